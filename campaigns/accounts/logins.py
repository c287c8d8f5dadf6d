"""Staff sign-in, throttled by django-axes: after ``LOGIN_FAILURES`` wrong passwords for one account, or from one
address, within ``LOGIN_LOCK_MINUTES``, that account and that address are refused (the right password too) until
``LOGIN_LOCK_MINUTES`` after the last counted failure. The counts live in the database, so every web process
shares them without a shared cache; the address is the client's, behind ``TRUSTED_PROXIES`` too
(``campaigns.tracking.throttle.client_address``). Tries made while locked are not counted: the lock lifts on time,
whatever the guesser does meanwhile.

Wagtail's login form says so in the visitor's language and the page answers 429. A superuser lifts a lock at once
with ``manage.py axes_reset_username NAME`` or ``axes_reset_ip ADDRESS``."""

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import ngettext
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from campaigns.tracking.throttle import client_address

LOCKED_STATUS = 429


def login_address(request):
    """The client's address (``client_address``) when it is one, else None (a proxy that sent something else)."""
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def locked_message():
    minutes = settings.LOGIN_LOCK_MINUTES
    return ngettext(
        "Trop d'échecs de connexion pour ce compte ou depuis cette adresse : la connexion est bloquée pendant "
        "%(minutes)s minute. Réessayez ensuite, ou demandez à un administrateur de la débloquer.",
        "Trop d'échecs de connexion pour ce compte ou depuis cette adresse : la connexion est bloquée pendant "
        "%(minutes)s minutes. Réessayez ensuite, ou demandez à un administrateur de la débloquer.",
        minutes,
    ) % {"minutes": minutes}


def locked(request):
    return bool(getattr(request, "axes_locked_out", False))


class ThrottledLogins(AxesStandaloneBackend):
    """Refuses a sign-in from a locked account or address before any password is checked. A call without a
    request (the shell, a test's ``client.login``) has no address and no guesser behind it: it is let through."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginForm(WagtailLoginForm):
    """Wagtail's login form, which says when the account or the address is locked instead of "wrong password"."""

    def get_invalid_login_error(self):
        if locked(self.request):
            return ValidationError(locked_message(), code="locked")
        return super().get_invalid_login_error()


def lockout_response(request, original_response=None, credentials=None):
    """What a locked sign-in gets (django-axes' ``AXES_LOCKOUT_CALLABLE``): the login page with the message, as 429."""
    if original_response is not None and original_response.status_code == 200:
        original_response.status_code = LOCKED_STATUS
        return original_response
    return HttpResponse(locked_message(), status=LOCKED_STATUS, content_type="text/plain; charset=utf-8")
