from django.core.management.base import BaseCommand

from orgs.registration.defaults import ensure_defaults


class Command(BaseCommand):
    help = (
        "Create the registration defaults (checklists, direct-registration categories, time limits) "
        "where none exist yet. Idempotent: never brings back what an admin removed."
    )

    def handle(self, *args, **options):
        created = ensure_defaults()
        self.stdout.write(f"registration defaults: {created} rows created")
