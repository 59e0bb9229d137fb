"""Indexes no query uses (bench/README.md, seventh machine: 0 scans after every benchmark), each one costing
every write of the registry: the trigram index on `name` (searches compare UPPER(name): org_name_upper_trgm),
a copy of the `_like` index Django makes for the unique credit code, and `updated_at` alone (org_updated_id
leads with it)."""

from django.db import migrations, models

from orgs.postgres import on_postgresql

FORWARD = ["DROP INDEX IF EXISTS org_name_trgm", "DROP INDEX IF EXISTS org_credit_code_prefix"]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS org_name_trgm ON orgs_organization USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS org_credit_code_prefix ON orgs_organization (credit_code varchar_pattern_ops)",
]


class Migration(migrations.Migration):
    dependencies = [("orgs", "0005_region_statistics")]

    operations = [
        migrations.AlterField(
            model_name="organization",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
    ]
