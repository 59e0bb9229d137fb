"""PostgreSQL: finer statistics for the name search's two columns (the upper-cased name of the trigram index,
the pinyin initials), so that a `LIKE '%…%'` is estimated closely: with 101 histogram entries a term found
in one was taken for 10,000 rows and one found in none for 100, whatever its count (复合材料: 2,551)."""

from django.db import migrations

from orgs.postgres import on_postgresql

FORWARD = [
    "ALTER INDEX org_name_upper_trgm ALTER COLUMN 1 SET STATISTICS 1000",
    "ALTER TABLE orgs_organization ALTER COLUMN name_initials SET STATISTICS 1000",
]
BACKWARD = [
    "ALTER INDEX org_name_upper_trgm ALTER COLUMN 1 SET STATISTICS -1",
    "ALTER TABLE orgs_organization ALTER COLUMN name_initials SET STATISTICS -1",
]


class Migration(migrations.Migration):
    dependencies = [("orgs", "0006_unused_indexes")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
