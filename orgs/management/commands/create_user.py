from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from orgs.services import user_create


def _csv(value):
    return [item.strip() for item in (value or "").split(",") if item.strip()]


class Command(BaseCommand):
    help = "Create a login: --kind staff --region 3205 --roles registrar | --kind unit --unit ID | --kind org --org ID"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--kind", required=True, choices=["staff", "unit", "org", "applicant"])
        parser.add_argument("--region", help="Region code (staff)")
        parser.add_argument("--roles", help="Comma-separated staff roles")
        parser.add_argument("--unit", type=int, help="Supervising unit id (kind unit)")
        parser.add_argument("--org", type=int, help="Organization id (kind org)")
        parser.add_argument("--email", default="")
        parser.add_argument("--superuser", action="store_true", help="Also a Django admin superuser")

    def handle(self, *args, **o):
        try:
            user = user_create(
                username=o["username"],
                password=o["password"],
                kind=o["kind"],
                region=o["region"],
                roles=_csv(o["roles"]),
                unit_id=o["unit"],
                org_id=o["org"],
                email=o["email"],
                is_superuser=o["superuser"],
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"--{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from None
        self.stdout.write(f"created {user.username} ({o['kind']})")
