"""``python -m tests.oidc_provider.seed SPEC.json``: migrate the provider's database, give it a signing key once,
and create or update its client and users as the JSON says:
``{"client": {"client_id", "client_secret", "redirect_uris": [...]}, "users": [{"username", "password", "email",
"first_name", "last_name", "groups": [...]}]}``."""

import json
import sys

import django


def seed(spec):
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType, RSAKey

    call_command("migrate", verbosity=0)
    if not RSAKey.objects.exists():
        call_command("creatersakey", verbosity=0)
    data = spec["client"]
    client, _ = Client.objects.update_or_create(
        client_id=data["client_id"],
        defaults={
            "name": "Ambassadeurs",
            "client_type": "confidential",
            "client_secret": data["client_secret"],
            "jwt_alg": "RS256",
            "require_consent": False,
            "reuse_consent": True,
        },
    )
    client.redirect_uris = data["redirect_uris"]
    client.save()
    client.response_types.set([ResponseType.objects.get(value="code")])
    for person in spec.get("users", []):
        user, _ = User.objects.update_or_create(
            username=person["username"],
            defaults={key: person.get(key, "") for key in ("email", "first_name", "last_name")},
        )
        user.set_password(person["password"])
        user.save()
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in person.get("groups", [])])


if __name__ == "__main__":
    django.setup()
    with open(sys.argv[1]) as spec:
        seed(json.load(spec))
