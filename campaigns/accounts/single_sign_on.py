"""Staff single sign-on with OpenID Connect (mozilla-django-oidc: authorization code flow with PKCE, the id
token's signature checked against the provider's keys and its nonce against the one sent).

A staff member is matched by email, created on first sign-in and updated on each one: names, email, and the roles,
which the provider's group claim decides (``OIDC_GROUPS_CLAIM`` mapped by ``OIDC_ROLE_GROUPS``): the four role
groups are set to match, other groups are left alone. Refused, with a message on the admin's login page: an
account no mapped group names, one without an email, a superuser (superusers keep their local password: an
identity provider that names an address never makes anyone superuser), an inactive account.

Off while ``OIDC_RP_CLIENT_ID`` is unset: the two addresses answer 404 and the login page shows no button."""

import logging
from functools import lru_cache

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from campaigns.roles import ROLES

logger = logging.getLogger(__name__)

# Our settings' names for the provider's endpoints, and their names in its discovery document.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
REFUSAL = "single_sign_on_refusal"  # set on the request by the backend: why the sign-in was refused


def enabled():
    return bool(settings.OIDC_RP_CLIENT_ID)


@lru_cache(maxsize=4)
def discovery(url):
    """The provider's discovery document (``.well-known/openid-configuration``), fetched once per process."""
    if not url.rstrip("/").endswith("/.well-known/openid-configuration"):
        url = url.rstrip("/") + "/.well-known/openid-configuration"
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    return response.json()


def oidc_setting(name, *default):
    """mozilla-django-oidc's setting ``name``; a provider endpoint left empty comes from the discovery document."""
    if name in DISCOVERED and not getattr(settings, name, "") and settings.OIDC_OP_DISCOVERY_URL:
        return discovery(settings.OIDC_OP_DISCOVERY_URL)[DISCOVERED[name]]
    if name == "OIDC_RP_IDP_SIGN_KEY":
        return getattr(settings, name, None) or None
    return import_from_settings(name, *default)


def roles_from_claims(claims):
    """The roles (group names of campaigns/roles.py) that the provider's groups in ``claims`` map to."""
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    given = {str(group) for group in groups}
    return sorted(role for role in ROLES if given & set(settings.OIDC_ROLE_GROUPS.get(role, ())))


def roles_set(user, roles):
    """Give ``user`` exactly ``roles`` among the four role groups (each change goes to the audit trail)."""
    current = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    if current - set(roles):
        user.groups.remove(*Group.objects.filter(name__in=current - set(roles)))
    if set(roles) - current:
        user.groups.add(*Group.objects.filter(name__in=set(roles) - current))


def _setting(name):
    return property(lambda self: oidc_setting(name))


class SingleSignOn(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, reading its settings when it uses them: Django makes a backend for every
    request of a signed-in staff member, which must not wait on (or fail with) the provider's discovery document."""

    get_settings = staticmethod(oidc_setting)
    OIDC_OP_TOKEN_ENDPOINT = _setting("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _setting("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _setting("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_CLIENT_ID = _setting("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = _setting("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = _setting("OIDC_RP_SIGN_ALGO")
    OIDC_RP_IDP_SIGN_KEY = _setting("OIDC_RP_IDP_SIGN_KEY")

    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()

    def verify_token(self, token, **kwargs):
        """The library's checks (signature by the provider's key, algorithm, nonce); a token it cannot even read
        (no key id, no signature, expired) is refused the same way, not answered with an error."""
        try:
            return super().verify_token(token, **kwargs)
        except (KeyError, ValueError, jwt.PyJWTError) as exc:
            raise SuspiciousOperation(f"JWS token verification failed: {exc!r}") from None

    def refuse(self, reason, claims):
        logger.warning("single sign-on refused: %s (%s)", reason, claims.get("email") or claims.get("sub"))
        setattr(self.request, REFUSAL, reason)
        raise SuspiciousOperation(reason)

    def verify_claims(self, claims):
        if not claims.get("email"):
            self.refuse(_("le fournisseur d'identité n'a pas donné d'adresse email"), claims)
        if not roles_from_claims(claims):
            self.refuse(_("aucun de vos groupes ne donne de rôle dans ce service"), claims)
        return True

    def get_username(self, claims):
        return claims["email"].strip().lower()[:150]

    def create_user(self, claims):
        user = self.UserModel.objects.create_user(self.get_username(claims), email=claims["email"].strip().lower())
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        if user.is_superuser:
            self.refuse(_("un superutilisateur se connecte avec son mot de passe"), claims)
        if not user.is_active:
            self.refuse(_("ce compte est désactivé"), claims)
        user.email = claims["email"].strip().lower()
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        user.save(update_fields=["email", "first_name", "last_name"])
        roles_set(user, roles_from_claims(claims))
        return user


def _off():
    if not enabled():
        raise Http404


class SignInStart(OIDCAuthenticationRequestView):
    """``/oidc/authenticate/``: to the provider's sign-in page (the button on the admin's login page)."""

    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        _off()
        return super().dispatch(request, *args, **kwargs)


class SignInCallback(OIDCAuthenticationCallbackView):
    """``/oidc/callback/``: the provider sends the staff member back here; to the admin, or to its login page
    with the reason of a refusal."""

    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        _off()
        return super().dispatch(request, *args, **kwargs)

    @property
    def success_url(self):
        return self.request.session.get("oidc_login_next") or reverse("wagtailadmin_home")

    @property
    def failure_url(self):
        return reverse("wagtailadmin_login")

    def login_failure(self):
        reason = getattr(self.request, REFUSAL, None) or _("le fournisseur d'identité ne l'a pas confirmée")
        message = _("Connexion par l'authentification unique refusée : %(reason)s.") % {"reason": reason}
        messages.error(self.request, message)
        return super().login_failure()
