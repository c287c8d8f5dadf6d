"""Row sources: one module per exported table, each a function that describes its table as a ``Table`` (name,
title, header, a COUNT and the rows, streamed), and the cell values they share."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass
class Table:
    """One exported table: its name (in URLs and file names), title (sheet name), header, how many rows it has
    (one COUNT query) and its rows, streamed."""

    name: str
    title: str
    header: list
    count: Callable
    rows: Callable
    legend: "Table | None" = None  # a sheet written after the tables, saying what codes the labels stand for


def zone():
    return timezone.get_current_timezone()


def local(value):
    """An aware datetime as the naive local time Excel expects (None stays None)."""
    return value.astimezone(zone()).replace(tzinfo=None) if value is not None else None


def suppressed_label():
    return _("masqué (< %(k)s)") % {"k": settings.PRIVACY_THRESHOLD}


def labels(choices):
    """{stored value: its label, translated now} of a TextChoices."""
    return {key: str(label) for key, label in choices.choices}
