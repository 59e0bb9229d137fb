from django.core.management.base import BaseCommand

from orgs.tasks import rebuild_search_columns


class Command(BaseCommand):
    help = "Recompute the search columns (pinyin initials, name pairs) of a region's organizations (through Celery)."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="")

    def handle(self, *args, **o):
        result = rebuild_search_columns.delay(o["region"])
        self.stdout.write(f"queued {result.id}")
