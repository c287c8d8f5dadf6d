"""Tiny typed readers for settings that come from the environment.

Each reader fails loudly, naming the variable, when a value cannot be used:
a typo in production must stop the service, not quietly change its behaviour.
"""

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_str(name, default):
    return os.environ.get(name, default)


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None


def env_list(name, default):
    """A comma-separated list; empty items are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def email_settings(url):
    """Django email settings from an EMAIL_URL.

    - ``outbox:`` keeps messages in the local outbox (database), viewable in the admin;
    - ``console:`` prints them;
    - ``smtp://user:password@host:port`` (``smtps://`` for implicit TLS, ``?tls=1`` for STARTTLS);
    - ``anymail+NAME://`` hands them to django-anymail's NAME backend (configured through ANYMAIL_* settings).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "outbox":
        return {"EMAIL_BACKEND": "campaigns.sending.outbox.OutboxEmailBackend"}
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme.startswith("anymail+"):
        esp = scheme.split("+", 1)[1]
        return {"EMAIL_BACKEND": f"anymail.backends.{esp}.EmailBackend"}
    if scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured(f"EMAIL_URL={url!r}: no host")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            port = parts.port or (465 if scheme == "smtps" else 25)
        except ValueError:
            raise ImproperlyConfigured(f"EMAIL_URL={url!r}: the port is not a number") from None
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port,
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": query.get("tls", "0") in {"1", "true", "yes"},
            "EMAIL_TIMEOUT": int(query.get("timeout", "30")),
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL={url!r}: unknown scheme {scheme!r} (use outbox:, console:, smtp://, smtps:// or anymail+ESP://)"
    )
