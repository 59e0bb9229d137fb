from django.core.management.base import BaseCommand, CommandError

from reports.services import recent_years, stats_rebuild_year


class Command(BaseCommand):
    help = "Build the statistics of a year (default: the current and the previous year)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="Year to build; repeat for several.")

    def handle(self, *args, year=None, **options):
        for one in year or recent_years():
            try:
                build = stats_rebuild_year(year=one)
            except Exception as error:
                raise CommandError(f"{one}: {error}") from error
            self.stdout.write(f"{one}: {build.rows} figures, build #{build.pk} ({build.status})")
