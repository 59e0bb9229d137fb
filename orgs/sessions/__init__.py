"""Django's database sessions (`db`, `cached_db`), each read by its key with the statement of orgs.callers:
through the ORM the read took 1.2–1.4 ms of a request's CPU, with it 0.6 ms (bench/README.md)."""

from ..callers import live_session


class ReadByKey:
    """A SessionStore mixin: the session row of `session_key`, unless expired, as Django's `db` backend finds it."""

    def _get_session_from_db(self):
        session = live_session(self.session_key)
        if session is None:
            self._session_key = None  # as Django's: an unknown or expired key gets a new session when saved
        return session
