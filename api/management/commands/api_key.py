"""Make, list or revoke API keys: ``api_key create NAME --role "Product team"`` prints the key once."""

from django.core.management.base import BaseCommand, CommandError

from api.keys import key_create, key_revoke
from api.models import ApiKey, Role


class Command(BaseCommand):
    help = "Make (the key is printed once, never kept), list or revoke the API keys of clients."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="make a key for a client")
        create.add_argument("name")
        create.add_argument("--role", required=True, choices=Role.values)
        actions.add_parser("list", help="list the keys")
        revoke = actions.add_parser("revoke", help="revoke a client's key")
        revoke.add_argument("name")

    def handle(self, *args, action, **options):
        if action == "create":
            if ApiKey.objects.filter(name=options["name"]).exists():
                raise CommandError(f"a key named {options['name']!r} exists already: revoke it or choose another name")
            key, text = key_create(name=options["name"], role=options["role"])
            self.stdout.write(f"{key.name} ({key.role}): {text}\nThis key is shown only now: keep it safe.")
        elif action == "list":
            for key in ApiKey.objects.all():
                state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "live"
                self.stdout.write(f"{key.name}\t{key.role}\t{key.prefix}\t{state}")
        else:
            key = ApiKey.objects.filter(name=options["name"]).first()
            if key is None:
                raise CommandError(f"no key named {options['name']!r}")
            key_revoke(key)
            self.stdout.write(f"{key.name}: revoked")
