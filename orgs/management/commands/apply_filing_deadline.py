from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orgs.annual_reports.deadlines import apply_deadline, deadline_for, escalate


class Command(BaseCommand):
    help = (
        "Put every organization that has not filed its annual report for YEAR on the abnormal-activity list "
        "(status abnormal), then escalate two-year abnormal entries to the serious list. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Report year, e.g. 2025.")
        parser.add_argument("--on", type=date.fromisoformat, help="Listing date (YYYY-MM-DD); default today.")

    def handle(self, *args, year, on=None, **options):
        on = on or timezone.localdate()
        deadline = deadline_for(year)
        if on <= deadline:
            raise CommandError(f"The deadline for {year} is {deadline}; give --on after it.")
        listed = apply_deadline(year=year, on=on)
        escalated = escalate(on=on)
        self.stdout.write(
            f"{year}: {listed} listed as abnormal on {on}, {escalated} escalated to the serious list"
        )
