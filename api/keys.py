"""API keys: made (shown once), found from what a client sends, revoked.

A key reads ``amb_<prefix>_<secret>``: the prefix finds the row, the secret (32 random bytes) is compared with the
SHA-256 kept. A fast hash is enough for a random secret of 256 bits (no dictionary to try), and keeps each call
cheap; the comparison takes constant time."""

import hashlib
import hmac
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from api.models import ApiKey, Role

KEY_START = "amb_"


def secret_hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def key_create(*, name, role):
    """Make a key for client ``name`` acting as ``role`` (one of ``Role``). Returns (ApiKey, the key's text): the
    text is never kept, so this is the only time anyone sees it."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}: choose among {', '.join(Role.values)}")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    with transaction.atomic():
        user = get_user_model().objects.create(username=f"api-{prefix}", first_name="API", last_name=name[:150])
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        key = ApiKey.objects.create(name=name, role=role, prefix=prefix, secret_hash=secret_hash(secret), user=user)
    return key, f"{KEY_START}{prefix}_{secret}"


def key_found(text):
    """The live ApiKey that ``text`` is, or None (malformed, unknown, wrong secret, revoked)."""
    if not text or not text.startswith(KEY_START) or text.count("_") < 2:
        return None
    prefix, secret = text[len(KEY_START) :].split("_", 1)
    key = ApiKey.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.secret_hash, secret_hash(secret)):
        return None
    return key


def key_revoke(key, *, now=None):
    """Revoke ``key``: it stops working at once, for good; its account is deactivated. Returns whether it changed."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now)
        get_user_model().objects.filter(pk=key.user_id).update(is_active=False)
    return bool(changed)
