"""Rate limits in the cache: ``hit`` counts actions per key and window (an ambassador's votes, say), and an
address that tried more than ``TOKEN_FAILURES_PER_MINUTE`` unknown personal-link tokens in a minute gets 429 on
the token endpoints for the rest of that minute.

Only failures are counted (a working link costs nothing more); the count lives in the cache (``CACHE_URL``:
shared by every web process with Redis, per process otherwise). The open pixel is left out: it answers the same
image for a known and an unknown token, so it tells a guesser nothing.

Behind reverse proxies every request comes from a proxy's address: with ``TRUSTED_PROXIES`` set to their
number, the client's address is read from ``X-Forwarded-For``, counting from the right (each proxy appends the
address it saw; entries further left are the client's to forge)."""

from django.conf import settings
from django.core.cache import cache


def client_address(request):
    hops = settings.TRUSTED_PROXIES
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def _key(request):
    return f"token-failures:{client_address(request)}"


def throttled(request):
    return (cache.get(_key(request)) or 0) >= settings.TOKEN_FAILURES_PER_MINUTE


def token_failed(request):
    hit(_key(request))


def hit(key, *, seconds=60):
    """Count one more action under ``key`` in a window of ``seconds``; returns the count so far in the window."""
    if cache.add(key, 1, timeout=seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=seconds)
        return 1
