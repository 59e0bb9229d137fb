"""PostgreSQL-only: the trigram index the registry's name search can actually use (found with bench/registry.py).

`name__icontains` compiles to `UPPER("name"::text) LIKE UPPER('%…%')` on PostgreSQL, which the plain trigram
index on `name` (0002, org_name_trgm) cannot serve: every `q=` search scanned all organizations. The index is on
the same expression. On a large existing table build it first, without blocking writes:
    CREATE INDEX CONCURRENTLY IF NOT EXISTS org_name_upper_trgm ON orgs_organization
        USING gin ((upper((name)::text)) gin_trgm_ops);
and this migration becomes a no-op. SQLite skips it."""

from django.db import migrations

from orgs.postgres import on_postgresql

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS org_name_upper_trgm ON orgs_organization "
    "USING gin ((upper((name)::text)) gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS org_name_upper_trgm"]


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_postgres_search_indexes")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
