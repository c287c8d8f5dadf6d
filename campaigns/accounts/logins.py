"""Staff sign-in, throttled by django-axes: after ``LOGIN_FAILURES`` wrong passwords for one account, or from one
address, within ``LOGIN_LOCK_MINUTES``, that account and that address are refused (the right password too) until
``LOGIN_LOCK_MINUTES`` after the last counted failure. The counts live in the database, so every web process
shares them without a shared cache; the address is the client's, behind ``TRUSTED_PROXIES`` too
(``campaigns.tracking.throttle.client_address``). Tries made while locked are not counted: the lock lifts on time,
whatever the guesser does meanwhile.

Wagtail's login form says so in the visitor's language and the page answers 429. A superuser lifts a lock at once
with ``manage.py axes_reset_username NAME`` or ``axes_reset_ip ADDRESS``."""

import ipaddress

from axes.backends import AxesBackend, AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from campaigns.audit import trail
from campaigns.audit.trail import audit_record
from campaigns.tracking.throttle import client_address

LOCKED_STATUS = 429
REFUSED_WHILE_LOCKED = "sign_in_refused_while_locked"  # set on the request by ThrottledLogins


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


class ThrottledLogins(AxesBackend):
    """Django's own accounts (``ModelBackend``), whose sign-in is refused from a locked account or address before
    any password is checked. A call without a request (the shell, a test's ``client.login``) has no address and no
    guesser behind it: it is not throttled. ``PASSWORD_LOGIN`` says whose password may still open the admin (all,
    superusers, none): staff then sign in through the identity provider (``campaigns.accounts.single_sign_on``)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            try:
                AxesStandaloneBackend.authenticate(self, request, username=username, password=password, **kwargs)
            except AxesBackendPermissionDenied:
                setattr(request, REFUSED_WHILE_LOCKED, True)
                raise
        if settings.PASSWORD_LOGIN == "none" or password is None:
            return None
        user = ModelBackend.authenticate(self, request, username=username, password=password, **kwargs)
        if user is not None and settings.PASSWORD_LOGIN == "superusers" and not user.is_superuser:
            return None
        return user


class LoginForm(WagtailLoginForm):
    """Wagtail's login form, which says when the account or the address is locked instead of "wrong password", its
    password field labelled in the staff member's language (Wagtail leaves it to the field's English name)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Mot de passe")
        self.single_sign_on = bool(settings.OIDC_RP_CLIENT_ID)  # the button to the identity provider
        self.password_login = settings.PASSWORD_LOGIN != "none"  # the username and password fields

    def get_invalid_login_error(self):
        if locked(self.request):
            return ValidationError(locked_message(), code="locked")
        if settings.PASSWORD_LOGIN != "all":
            return ValidationError(password_refused_message(), code="password_login")
        return super().get_invalid_login_error()


def password_refused_message():
    if settings.PASSWORD_LOGIN == "superusers":
        return _(
            "Identifiant ou mot de passe incorrect. Seuls les superutilisateurs se connectent par mot de passe : "
            "utilisez l'authentification unique."
        )
    return _("La connexion par mot de passe est désactivée : utilisez l'authentification unique.")


def lockout_response(request, original_response=None, credentials=None):
    """What a locked sign-in gets (django-axes' ``AXES_LOCKOUT_CALLABLE``): the login page with the message, as 429."""
    if original_response is not None and original_response.status_code == 200:
        original_response.status_code = LOCKED_STATUS
        return original_response
    return HttpResponse(locked_message(), status=LOCKED_STATUS, content_type="text/plain; charset=utf-8")


# --- the audit trail's sign-ins: one place, Django's and django-axes' signals ---------------------------------


def signed_in(sender, request, user, **kwargs):
    address = login_address(request) if request is not None else None
    audit_record(trail.LOGIN, target=user, label=user.get_username(), user=user, address=address)


def sign_in_failed(sender, credentials, request=None, **kwargs):
    """A wrong password (or an unknown account). A try refused by a lock checked no password: not recorded, so a
    guesser hammering a locked door cannot fill the trail (the lock itself is, once)."""
    if request is not None and getattr(request, REFUSED_WHILE_LOCKED, False):
        return
    username = str(credentials.get("username") or "")[:150]
    account = get_user_model().objects.filter(username=username).first() if username else None
    address = login_address(request) if request is not None else None
    audit_record(trail.LOGIN_FAILED, target=account or get_user_model(), label=username, user=None, address=address)


def sign_in_locked(sender, request=None, username=None, ip_address=None, **kwargs):
    """The failure that locked an account or an address (django-axes sends this for each refused try too)."""
    if request is None or getattr(request, REFUSED_WHILE_LOCKED, False):
        return
    account = get_user_model().objects.filter(username=username).first() if username else None
    data = {"minutes": settings.LOGIN_LOCK_MINUTES}
    audit_record(
        trail.LOGIN_LOCKED,
        target=account or get_user_model(),
        label=username or "",
        user=None,
        address=ip_address,
        data=data,
    )


def connect():
    user_logged_in.connect(signed_in, dispatch_uid="audit.signed_in")
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit.sign_in_failed")
    user_locked_out.connect(sign_in_locked, dispatch_uid="audit.sign_in_locked")
