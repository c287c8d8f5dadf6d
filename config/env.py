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


def env_rates(name, default):
    """Rates per key, written ``key=rate,key=rate`` (``orange.fr=5,free.fr=5``): a dict of whole numbers per
    second, keys in lower case. Unset keeps ``default``; an empty value means no rate at all."""
    raw = os.environ.get(name)
    if raw is None:
        return dict(default)
    rates = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip().isdigit():
            raise ImproperlyConfigured(f"{name}: {item!r} is not domain=emails per second, e.g. orange.fr=5")
        rates[key.strip().lower()] = int(value)
    return rates


def env_window(name, default):
    """A daily window ``HH:MM-HH:MM`` (24:00 for the end of the day); returned as written once checked."""
    raw = os.environ.get(name) or default
    try:
        start, end = raw.split("-")
        for moment in (start, end):
            hours, minutes = moment.strip().split(":")
            if not (0 <= int(hours) <= 24 and 0 <= int(minutes) <= 59 and (int(hours) < 24 or int(minutes) == 0)):
                raise ValueError(moment)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected HH:MM-HH:MM, e.g. 08:00-20:00") from None
    return raw.strip()
