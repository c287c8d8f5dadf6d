"""Rate limit on guessing personal-link tokens: an address that tried more than ``TOKEN_FAILURES_PER_MINUTE``
unknown tokens in a minute gets 429 on the token endpoints for the rest of that minute.

Only failures are counted (a working link costs nothing more); the count lives in the cache (``CACHE_URL``:
shared by every web process with Redis, per process otherwise). The open pixel is left out: it answers the same
image for a known and an unknown token, so it tells a guesser nothing."""

from django.conf import settings
from django.core.cache import cache


def _key(request):
    return f"token-failures:{request.META.get('REMOTE_ADDR', '')}"


def throttled(request):
    return (cache.get(_key(request)) or 0) >= settings.TOKEN_FAILURES_PER_MINUTE


def token_failed(request):
    key = _key(request)
    if not cache.add(key, 1, timeout=60):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, timeout=60)
