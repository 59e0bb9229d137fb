"""PostgreSQL connections read `timestamptz` with psycopg's compiled loader (orgs.postgres), and read the same
moments Django's own loader did: aware, in UTC, to the microsecond."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from psycopg import adapters
from psycopg.pq import Format
from psycopg.types import datetime as python_loaders

from orgs.models import Organization
from orgs.postgres import UtcTimestamptzLoader
from tests.factories import make_org

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
TIMESTAMPTZ = 1184


def test_a_connection_reads_timestamptz_with_the_compiled_loader(db):
    connection.ensure_connection()
    assert connection.connection.adapters.get_loader(TIMESTAMPTZ, Format.TEXT) is UtcTimestamptzLoader
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        loader = cursor.cursor._tx.get_loader(TIMESTAMPTZ, Format.TEXT)
        assert isinstance(loader, UtcTimestamptzLoader)
        compiled = type(loader.load.__self__)  # the loader whose `load` this one hands out
    assert compiled is adapters.get_loader(TIMESTAMPTZ, Format.TEXT)
    assert compiled is not python_loaders.TimestamptzLoader


def test_a_moment_reads_back_as_written(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT '2026-03-01 08:00:00.123456+08'::timestamptz, NULL::timestamptz")
        moment, nothing = cursor.fetchone()
    assert moment == datetime(2026, 3, 1, 0, 0, 0, 123456, tzinfo=UTC)
    assert moment.tzinfo is UTC
    assert nothing is None


def test_a_models_moments_round_trip(db):
    organization = make_org()
    written = datetime(2026, 12, 7, 9, 30, 15, 654321, tzinfo=SHANGHAI)
    Organization.objects.filter(pk=organization.pk).update(updated_at=written)
    read = Organization.objects.get(pk=organization.pk).updated_at
    assert read == written
    assert read.tzinfo is UTC
    assert read.astimezone(SHANGHAI).isoformat() == "2026-12-07T09:30:15.654321+08:00"
