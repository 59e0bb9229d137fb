from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from orgs.services import token_issue


class Command(BaseCommand):
    help = "Create a system client with scopes and a region; prints its token key alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--scopes", required=True, help="e.g. orgs:read,orgs:write")
        parser.add_argument("--region", required=True, help="Region code the token is limited to, e.g. 3205")

    def handle(self, *args, **o):
        scopes = [s.strip() for s in o["scopes"].split(",") if s.strip()]
        try:
            token, key = token_issue(name=o["name"], scopes=scopes, region=o["region"])
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from None
        self.stdout.write(f"system client {o['name']}: scopes {','.join(scopes)}, region {o['region']}")
        self.stdout.write(key)
