"""PostgreSQL: a finer histogram of organizations' region codes, so that a region-prefix filter is estimated
closely (a city's `LIKE '3205%'` was taken for 3 times its rows, and the planner then walked the whole
registry in `updated_at` order instead of reading the city's rows: 120 ms instead of 4 ms)."""

from django.db import migrations


def histogram(target: int):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE orgs_organization ALTER COLUMN region_id SET STATISTICS {target}"
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [("orgs", "0004_registration_category_blank")]

    operations = [migrations.RunPython(histogram(1000), histogram(-1))]
