"""PostgreSQL plans the portal's lists with the cache size of settings.DB_EFFECTIVE_CACHE_SIZE (bench/README.md:
a city's list walked along `updated_at` took 178 ms with PostgreSQL's own 4 GB, 7 ms read by region)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.integration


def test_every_connection_plans_with_the_portals_cache_size(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW effective_cache_size")
        assert cursor.fetchone() == ("64MB",)


def test_the_search_columns_have_the_finer_statistics(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attrelid::regclass::text, attstattarget FROM pg_attribute WHERE (attrelid = "
            "'org_name_upper_trgm'::regclass AND attnum = 1) OR (attrelid = 'orgs_organization'::regclass "
            "AND attname IN ('name_initials', 'region_id')) ORDER BY 1, 2"
        )
        assert cursor.fetchall() == [
            ("org_name_upper_trgm", 1000),
            ("orgs_organization", 1000),
            ("orgs_organization", 1000),
        ]
