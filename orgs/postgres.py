"""What the portal does on PostgreSQL only: the migrations' statements that SQLite skips, and how a connection reads
`timestamptz` values."""

import datetime

from psycopg import adapters
from psycopg.adapt import Loader
from psycopg.pq import Format


def on_postgresql(statements: list[str]):
    """A RunPython function that executes `statements` in order on PostgreSQL and does nothing elsewhere."""

    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


_TIMESTAMPTZ = adapters.types["timestamptz"].oid
_COMPILED = adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)  # psycopg's own: compiled where psycopg[binary] is


class UtcTimestamptzLoader(Loader):
    """psycopg's compiled `timestamptz` loader, for a connection whose session time zone is UTC.

    Django's loader subclasses psycopg's pure-Python one to set `tzinfo` to the connection's zone: 5.3 µs a
    value against 0.9 (228 values in a 50-row application list, bench/README.md). With the session in UTC,
    the compiled loader returns the same moment with the same `datetime.UTC`. `timezone` is what Django's
    backend compares before a cursor is made; the compiled type cannot be subclassed, so each loader hands out
    the bound `load` of a compiled one."""

    timezone = datetime.UTC

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self.load = _COMPILED(oid, context).load

    def load(self, data):  # replaced on each instance by the compiled loader's own
        raise NotImplementedError


def read_timestamptz_compiled(sender, connection, **kwargs):
    """`connection_created`: a PostgreSQL connection in UTC reads `timestamptz` with UtcTimestamptzLoader."""
    if connection.vendor != "postgresql" or _COMPILED.__module__.startswith("psycopg."):
        return  # SQLite; or psycopg without its compiled part: Django's loader stays
    if connection.timezone is not datetime.UTC or connection.connection.info.timezone is not datetime.UTC:
        return  # another zone: Django's loader, which sets it
    connection.connection.adapters.register_loader(_TIMESTAMPTZ, UtcTimestamptzLoader)
