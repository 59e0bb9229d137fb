from django.contrib.sessions.backends import db

from . import ReadByKey


class SessionStore(ReadByKey, db.SessionStore):
    pass
