from django.contrib.sessions.backends import cached_db

from . import ReadByKey


class SessionStore(ReadByKey, cached_db.SessionStore):
    pass
