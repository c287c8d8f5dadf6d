"""Who calls: the key in ``Authorization: Bearer amb_...``, checked on every call, each call written to the audit
trail (the key's account as who, the method and path as what), refusals too; and what the key's role may do."""

from django.conf import settings
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from api.keys import key_found
from api.models import ApiKey
from campaigns.accounts.logins import login_address
from campaigns.audit import trail


class Caller:
    """The key behind a call; ``str()`` is what the rate limit counts by."""

    def __init__(self, key):
        self.key = key
        self.user = key.user

    def __str__(self):
        return f"api-key-{self.key.pk}"


class KeyAuth(HttpBearer):
    def authenticate(self, request, token):
        key = key_found(token)
        where = {"méthode": request.method, "chemin": request.path[:200]}
        if key is None:
            trail.audit_record(
                trail.API_REFUSED, target=ApiKey, label="—", user=None, address=login_address(request), data=where
            )
            return None
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        trail.audit_record(trail.API_CALL, target=key, user=key.user, address=login_address(request), data=where)
        return Caller(key)


def require(request, *permissions):
    """Refuse (403, naming the missing permissions) a call whose key's role lacks one of ``permissions``."""
    missing = [permission for permission in permissions if not request.auth.user.has_perm(permission)]
    if missing:
        raise HttpError(403, f"the key's role ({request.auth.key.role}) lacks: {', '.join(missing)}")


class RateFromSettings:
    """django-ninja's cache-based throttle at the rate ``settings.API_RATE_LIMIT`` reads at each call."""

    def allow_request(self, request):
        self.rate = settings.API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class KeyRateThrottle(RateFromSettings, AuthRateThrottle):
    """Calls counted per key (``Caller.__str__``)."""


class AddressRateThrottle(RateFromSettings, AnonRateThrottle):
    """Calls without a valid key counted per address."""
