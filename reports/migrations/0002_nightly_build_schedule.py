"""The nightly statistics build as a django-celery-beat entry that staff can edit in the admin (Periodic tasks).

Created once, here, not from CELERY_BEAT_SCHEDULE: beat writes the settings' entries over the database's on
every start, which would undo an edited schedule."""

from django.db import migrations

NAME = "reports-nightly-build"
TASK = "reports.tasks.stats_build_recent"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.create(
        name=NAME,
        task=TASK,
        crontab=crontab,
        description="Rebuild the statistics of the current and the previous year (reports.tasks.stats_build_recent).",
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
