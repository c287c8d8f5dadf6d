"""The project's middleware: the locale (below), the content security policy, the queueing limit, the timing
header.

Django's LocaleMiddleware, except that a 404 answered by a view stays a 404.

Pages live under /fr/ and /en/ (i18n_patterns, with Wagtail's catch-all pattern inside), and Django redirects
any 404 whose address would be valid with the language in front: with a catch-all, that is every 404, even one
a view raised on purpose (an unknown idea, a refused action). Only an address that matches no view (``/``, a
page's address typed without its language) is sent to the visitor's language."""

import logging
import math
import time
from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import is_valid_path
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config.queueing import queue_state

logger = logging.getLogger(__name__)


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_response(self, request, response):
        if response.status_code == 404 and is_valid_path(request.path_info, getattr(request, "urlconf", None)):
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", get_language())
            return response
        return super().process_response(request, response)


class ContentSecurityPolicyMiddleware:
    """The public site loads nothing from elsewhere and runs no inline script: browsers are told so, which
    defeats injected scripts. The admin is Wagtail's own (inline scripts of its own): it is left as it is."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "media-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response


class QueueLimitMiddleware:
    """In a burst, a request that waited longer than ``WEB_QUEUE_SECONDS`` for a thread, or that was taken when
    more than ``WEB_MAX_QUEUED`` connections waited for one on the machine (``config.gunicorn_worker``), is
    answered at once with 503 and ``Retry-After``, before any database work: the requests behind it are served
    sooner, and a client learns when to come back instead of waiting without bound. The web server says how long
    each request waited (``config.queueing``); without one that does (``runserver``), nothing is refused. Nothing
    was done for a refused request: sending it again is safe.

    ``Retry-After`` is ``WEB_RETRY_AFTER_SECONDS``, or longer when the queue is longer than the bound: the bound is
    about what the machine serves in ``WEB_QUEUE_SECONDS``, so twice the bound waiting means come back in twice
    that. With a fixed short delay, the refused came back before the queue had moved and were refused again,
    round after round (2,000 ambassadors at once: 112,000 requests refused in 19 minutes, the run never ended).
    Refusals are logged as one warning per process every ``LOG_EVERY`` seconds with their count, not one error
    each (``config.log_format.drop_shed``)."""

    LOG_EVERY = 10

    def __init__(self, get_response):
        if not settings.WEB_QUEUE_SECONDS:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.limit = settings.WEB_QUEUE_SECONDS
        self.retry_after = settings.WEB_RETRY_AFTER_SECONDS
        self.shed, self.logged_at = 0, time.monotonic()

    def __call__(self, request):
        waited, load = queue_state(request)
        if load > 1 or waited > self.limit:
            return self.refuse(request, max(self.retry_after, math.ceil(self.limit * load)))
        return self.get_response(request)

    def refuse(self, request, retry_after):
        request.shed = True  # the answer is counted below, not logged as an error (config.log_format)
        self.shed += 1
        if time.monotonic() - self.logged_at > self.LOG_EVERY:
            logger.warning("requests refused in a burst", extra={"refused": self.shed, "retry_after": retry_after})
            self.shed, self.logged_at = 0, time.monotonic()
        response = HttpResponse(
            _("Beaucoup de visiteurs en ce moment : réessayez dans quelques secondes."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(retry_after)
        response["Cache-Control"] = "no-store"
        return response


class ServerTimingMiddleware:
    """With ``SERVER_TIMING`` (off by default: it tells how long queries take), each response says how long its
    view spent in the database and in all, and how many queries it made, in a ``Server-Timing`` header that
    browsers' developer tools and bench/load.py read."""

    def __init__(self, get_response):
        if not settings.SERVER_TIMING:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        spent = [0.0, 0]

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - started
                spent[1] += 1

        started = time.perf_counter()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(timed))
            response = self.get_response(request)
        total = time.perf_counter() - started
        response["Server-Timing"] = (
            f'db;dur={1000 * spent[0]:.2f};desc="{spent[1]} queries", app;dur={1000 * total:.2f}'
        )
        return response
