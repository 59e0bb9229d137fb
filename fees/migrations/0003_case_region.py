"""Each case keeps its organization's region (FeeCase.region), filled here from the organization. On PostgreSQL
the column gets a finer histogram, as organizations' region codes have (orgs/0005), so that a city's
`LIKE '3205%'` is estimated closely."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_regions(apps, schema_editor):
    FeeCase = apps.get_model("fees", "FeeCase")
    Organization = apps.get_model("orgs", "Organization")
    FeeCase.objects.filter(region__isnull=True).update(
        region_id=Subquery(Organization.objects.filter(pk=OuterRef("organization_id")).values("region_id")[:1])
    )


def histogram(target: int):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE fees_feecase ALTER COLUMN region_id SET STATISTICS {target}")

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("fees", "0002_campaign_nationwide"),
        ("orgs", "0005_region_statistics"),
    ]

    operations = [
        migrations.AddField(
            model_name="feecase",
            name="region",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.region",
                verbose_name="region",
            ),
        ),
        migrations.RunPython(fill_regions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="feecase",
            name="region",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.region",
                verbose_name="region",
            ),
        ),
        migrations.RunPython(histogram(1000), histogram(-1)),
    ]
