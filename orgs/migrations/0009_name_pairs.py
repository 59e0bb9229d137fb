"""The name's two-character pairs (orgs.search.name_pairs), filled in for the organizations already registered,
and on PostgreSQL their trigram index, with fine statistics like the other search columns (0007)."""

from django.db import migrations, models

from orgs.postgres import on_postgresql
from orgs.search import name_pairs

BATCH = 5000
FORWARD = [
    "CREATE INDEX IF NOT EXISTS org_name_pairs_trgm ON orgs_organization USING gin (name_pairs gin_trgm_ops)",
    "ALTER TABLE orgs_organization ALTER COLUMN name_pairs SET STATISTICS 1000",
]
BACKWARD = [
    "DROP INDEX IF EXISTS org_name_pairs_trgm",
]


def fill_pairs(apps, schema_editor):
    """In batches by id (SQLite does not isolate a read from writes to the same table on one connection)."""
    Organization = apps.get_model("orgs", "Organization")
    rows = Organization.objects.using(schema_editor.connection.alias).order_by("id")
    update = f"UPDATE {schema_editor.quote_name(Organization._meta.db_table)} SET name_pairs = %s WHERE id = %s"
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while batch := list(rows.filter(id__gt=last).values_list("id", "name", "name_initials")[:BATCH]):
            cursor.executemany(update, [(name_pairs(name, initials), pk) for pk, name, initials in batch])
            last = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [("orgs", "0008_queue_region_prefix_index")]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="name_pairs",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="name pairs"),
        ),
        migrations.RunPython(fill_pairs, migrations.RunPython.noop),
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
    ]
