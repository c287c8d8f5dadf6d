"""Staff single sign-on (OpenID Connect, mozilla-django-oidc) and local passwords, read by ``config.settings``.

Off unless ``OIDC_RP_CLIENT_ID`` is set; then the provider's endpoints come from ``OIDC_OP_DISCOVERY_URL`` (its
``.well-known/openid-configuration``, read once per process) or from each ``OIDC_OP_*_ENDPOINT``, an explicit one
winning. The provider's group claim (``OIDC_GROUPS_CLAIM``) gives the roles: ``OIDC_ROLE_<ROLE>`` lists the
provider's groups that make a staff member that role (by default the role's own name)."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_DISCOVERY_URL = env_str("OIDC_OP_DISCOVERY_URL", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
# The four roles of campaigns/roles.py (tests/campaigns/accounts/test_single_sign_on.py checks the names).
OIDC_ROLE_GROUPS = {
    role: env_list(f"OIDC_ROLE_{variable}", [role])
    for role, variable in (
        ("Product team", "PRODUCT_TEAM"),
        ("Editor", "EDITOR"),
        ("Moderator", "MODERATOR"),
        ("Analyst", "ANALYST"),
    )
}
if OIDC_RP_CLIENT_ID and not (OIDC_OP_DISCOVERY_URL or (OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT)):
    raise ImproperlyConfigured(
        "OIDC_RP_CLIENT_ID is set: set OIDC_OP_DISCOVERY_URL (the provider's .well-known/openid-configuration), or "
        "OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT and OIDC_OP_JWKS_ENDPOINT"
    )

# Who may still sign in with a local password: all (the default), superusers (a way in when the provider is
# down; staff use single sign-on), none.
PASSWORD_LOGIN = env_str("PASSWORD_LOGIN", "all").strip().lower()
if PASSWORD_LOGIN not in {"all", "superusers", "none"}:
    raise ImproperlyConfigured(f"PASSWORD_LOGIN={PASSWORD_LOGIN!r}: expected all, superusers or none")
WAGTAIL_PASSWORD_RESET_ENABLED = PASSWORD_LOGIN == "all"

AUTHENTICATION_BACKENDS = ["campaigns.accounts.logins.ThrottledLogins"]  # Django's accounts, throttled
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.insert(0, "campaigns.accounts.single_sign_on.SingleSignOn")
