"""PostgreSQL-only indexes for search and region-prefix filters (SQLite has its own plans and skips these)."""

from django.db import migrations

from orgs.postgres import on_postgresql

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS org_name_trgm ON orgs_organization USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS org_initials_trgm ON orgs_organization USING gin (name_initials gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS org_credit_code_prefix ON orgs_organization (credit_code varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS org_region_prefix ON orgs_organization (region_id varchar_pattern_ops, org_type, status)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS org_region_prefix",
    "DROP INDEX IF EXISTS org_credit_code_prefix",
    "DROP INDEX IF EXISTS org_initials_trgm",
    "DROP INDEX IF EXISTS org_name_trgm",
]


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
