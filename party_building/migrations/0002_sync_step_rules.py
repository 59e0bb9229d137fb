"""The six synchronous steps (六个同步): which party step belongs to which registry event. Data, kept in the
admin afterwards; plus a PostgreSQL prefix index for the tree's materialized path."""

from django.db import migrations

RULES = [
    ("established", "collect_party_members", "收集党员信息，同步建立党组织或选派指导员"),
    ("charter_changed", "check_charter_clause", "审核章程中的党建工作条款"),
    ("leader_changed", "leader_candidate_review", "负责人人选党建审核"),
    ("report_accepted", "annual_report_party_section", "年度工作报告党建部分审核"),
    ("rating_awarded", "rating_party_work", "等级评估中的党建工作评价"),
    ("deregistered", "party_org_transfer_or_dissolution", "党组织关系转接或撤销"),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("party_building", "SyncStepRule")
    for event, step, title in RULES:
        Rule.objects.update_or_create(event=event, step=step, defaults={"title": title, "active": True})


def unseed(apps, schema_editor):
    Rule = apps.get_model("party_building", "SyncStepRule")
    for event, step, _title in RULES:
        Rule.objects.filter(event=event, step=step).delete()


def pg_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS party_org_path_prefix "
            "ON party_building_partyorganization (path varchar_pattern_ops)"
        )


def drop_pg_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS party_org_path_prefix")


class Migration(migrations.Migration):
    dependencies = [("party_building", "0001_initial")]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(pg_index, drop_pg_index),
    ]
