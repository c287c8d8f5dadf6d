"""Structured logs: the fields a log call passes in ``extra`` (campaign, counts, error…) are written with the
message, as one JSON object per line (``LOG_FORMAT=json``, for a log collector) or as ``key=value`` pairs after
the message (``LOG_FORMAT=plain``, for a person at a terminal). Log calls name ids; an email address that
reaches a log line anyway (in an SMTP server's error, say) is masked, so logs hold no contact data."""

import json
import logging
import re
from datetime import UTC, datetime

from django.core.exceptions import ImproperlyConfigured

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Attributes every LogRecord has: anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


def fields(record):
    return {key: value for key, value in vars(record).items() if key not in _STANDARD and not key.startswith("_")}


def masked(text):
    return EMAIL.sub("<email>", text)


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return masked(json.dumps(entry, ensure_ascii=False, default=str))


class KeyValueFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatMessage(self, record):
        pairs = " ".join(
            f"{key}={json.dumps(value, ensure_ascii=False, default=str)}" for key, value in fields(record).items()
        )
        return super().formatMessage(record) + (" " + pairs if pairs else "")

    def format(self, record):
        return masked(super().format(record))


def drop_shed(record):
    """Django logs every answer of 500 or more as an error: a request refused in a burst
    (``config.middleware.QueueLimitMiddleware``, which counts them) is none, and a burst would write thousands."""
    return not getattr(getattr(record, "request", None), "shed", False)


def logging_settings(log_format, level):
    """The LOGGING setting: every event to the console, formatted as ``log_format`` (json or plain) says."""
    if log_format not in ("json", "plain"):
        raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}, "plain": {"()": KeyValueFormatter}},
        "filters": {"drop_shed": {"()": "django.utils.log.CallbackFilter", "callback": drop_shed}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format}},
        "root": {"handlers": ["console"], "level": level},
        # django_tasks (Wagtail's background tasks) logs each task's start and end at INFO
        # django-axes logs each sign-in at INFO; its failures and locks (names and addresses masked) at WARNING
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "django.request": {"filters": ["drop_shed"]},
            "django_tasks": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
        },
    }
