"""Django's LocaleMiddleware, except that a 404 answered by a view stays a 404.

Pages live under /fr/ and /en/ (i18n_patterns, with Wagtail's catch-all pattern inside), and Django redirects
any 404 whose address would be valid with the language in front: with a catch-all, that is every 404, even one
a view raised on purpose (an unknown idea, a refused action). Only an address that matches no view (``/``, a
page's address typed without its language) is sent to the visitor's language."""

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import is_valid_path
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language


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
