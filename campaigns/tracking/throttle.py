"""Rate limits in the cache: ``hit`` counts actions per key and window (an ambassador's votes, say), and an
address that tried ``TOKEN_FAILURES_PER_MINUTE`` unknown personal-link tokens within a minute gets 429 on the
token endpoints for the next minute.

Only failures are counted (a working link costs nothing more); the count lives in the cache (``CACHE_URL``:
shared by every web process with Redis, per process otherwise). The open pixel is left out: it answers the same
image for a known and an unknown token, so it tells a guesser nothing.

Behind reverse proxies every request comes from a proxy's address: with ``TRUSTED_PROXIES`` set to their
number, the client's address is read from ``X-Forwarded-For``, counting from the right (each proxy appends the
address it saw; entries further left are the client's to forge)."""

import time

from django.conf import settings
from django.core.cache import cache


def client_address(request):
    hops = settings.TRUSTED_PROXIES
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


# Addresses over the limit, as this process learnt from the shared count: address -> monotonic deadline. A
# working link is then checked against this memory alone, not the cache (a round trip to Redis on every click);
# another process learns of a guesser at its first failure from them, so a guesser gains at most one try per
# process.
_blocked = {}


def throttled(request):
    deadline = _blocked.get(client_address(request))
    return deadline is not None and deadline > time.monotonic()


def token_failed(request):
    address = client_address(request)
    if hit(f"token-failures:{address}") >= settings.TOKEN_FAILURES_PER_MINUTE:
        now = time.monotonic()
        if len(_blocked) > 10_000:
            for stale in [key for key, deadline in list(_blocked.items()) if deadline <= now]:
                _blocked.pop(stale, None)
        _blocked[address] = now + 60


def hit(key, *, seconds=60):
    """Count one more action under ``key`` in a window of ``seconds``; returns the count so far in the window."""
    if cache.add(key, 1, timeout=seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=seconds)
        return 1
