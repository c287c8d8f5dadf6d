"""How long the request being handled waited for a thread, and how crowded the machine was when it was taken:
what the web server tells the application so that, in a burst, a request that cannot be answered in time is
answered at once with 503 and ``Retry-After`` (``config.middleware.QueueLimitMiddleware``) instead of waiting
without bound.

Two sources, the first that knows: the gunicorn worker of ``config/gunicorn_worker.py`` (``gunicorn.conf.py``
uses it) stamps each request in the thread that handles it, with the connections then waiting for a thread as a
share of ``WEB_MAX_QUEUED`` (the load: over 1, crowded); a reverse proxy may send ``X-Request-Start``
(``t=<seconds or milliseconds or microseconds since the epoch>``, as nginx's ``${msec}``)."""

import threading
import time

_local = threading.local()


def arrived(queued_at, load=0.0):
    """Called by the web server in the thread about to handle a request: when it was queued (``time.monotonic()``)
    and the connections then waiting for a thread as a share of the bound (over 1: crowded; 0: no bound)."""
    _local.queued_at, _local.load = queued_at, load


def left():
    _local.queued_at, _local.load = None, 0.0


def _proxy_wait(header, now):
    """Seconds since the proxy's ``X-Request-Start`` (``t=1733100000.123``, or in ms or µs), or None."""
    raw = header.removeprefix("t=").strip()
    try:
        stamp = float(raw)
    except ValueError:
        return None
    while stamp > 1e11:  # milliseconds or microseconds since the epoch
        stamp /= 1000
    return max(0.0, now - stamp) if stamp > 0 else None


def queue_state(request):
    """(seconds the request waited before a thread took it, or 0 when unknown; the load when it was taken)."""
    queued_at = getattr(_local, "queued_at", None)
    if queued_at is not None:
        return max(0.0, time.monotonic() - queued_at), getattr(_local, "load", 0.0)
    header = request.headers.get("X-Request-Start", "")
    waited = _proxy_wait(header, time.time()) if header else None
    return waited or 0.0, 0.0
