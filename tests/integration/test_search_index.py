"""PostgreSQL finds a two-character term through the trigram index of the name pairs (orgs.search.name_pairs):
the name's own `LIKE '%苏州%'` has no trigram to look up and reads every row of the registry."""

import pytest
from django.db import connection

from orgs.models import Organization
from orgs.search import name_search_q
from tests.factories import make_org

pytestmark = pytest.mark.integration


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test table is small enough to be read whole, or walked along any index: neither is an answer here.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_two_character_search_can_use_the_pairs_index(db):
    make_org("320508", name="苏州围棋协会")
    make_org("320508", name="苏州象棋协会")
    found = Organization.objects.filter(name_search_q("围棋"))
    assert [o.name for o in found] == ["苏州围棋协会"]
    assert "org_name_pairs_trgm" in plan(found)
