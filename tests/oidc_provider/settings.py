"""Settings of the test identity provider (django-oidc-provider): its own SQLite file (OIDC_TEST_DB), its own
address (OIDC_TEST_URL); none of the project's apps."""

import os
from pathlib import Path

SECRET_KEY = "test identity provider: not a secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_URL = os.environ["OIDC_TEST_URL"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["OIDC_TEST_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/accounts/login/"
# The staff's groups as a "groups" claim, given with the "groups" scope (as Keycloak's or Okta's group mappers do).
OIDC_EXTRA_SCOPE_CLAIMS = "tests.oidc_provider.claims.GroupClaims"
OIDC_USERINFO = "tests.oidc_provider.claims.userinfo"
# Its own cookie names: cookies are not kept apart by port, and the service under test runs on loopback too.
SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "idp_sessionid", "idp_csrftoken"
