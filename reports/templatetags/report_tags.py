"""Figures in report templates: a share as a percentage, a suppressed figure as such."""

from django import template
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


def _suppressed():
    return _("masqué (< %(k)s)") % {"k": settings.PRIVACY_THRESHOLD}


@register.filter
def percent(value, digits=1):
    """0.253 -> "25,3 %" (in the active language's format); None -> "—"."""
    if value is None or value == "":
        return "—"
    return f"{number_format(round(100 * value, int(digits)), int(digits))}\u00a0%"


@register.filter
def figure(value):
    """A count, or "masqué (< 5)" when it is suppressed (None)."""
    if value is None:
        return _suppressed()
    return number_format(value, force_grouping=True) if isinstance(value, int) else number_format(round(value, 2), 2)


@register.filter
def decimal(value, digits=2):
    if value is None or value == "":
        return "—"
    return number_format(round(value, int(digits)), int(digits))


@register.filter
def p_value(value):
    """A test's p-value: "< 0,001" when tiny, 3 decimals otherwise; None -> "—"."""
    if value is None:
        return "—"
    return f"< {number_format(0.001, 3)}" if value < 0.001 else number_format(round(value, 3), 3)
