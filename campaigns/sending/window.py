"""The sending window: the hours (Paris time) and days when a campaign's emails may leave. Outside it, its emails
wait in the queue; the campaigns' clock (``tick``, every minute) starts the senders again once it opens.

The site's window is ``SEND_WINDOW`` (``08:00-20:00``; ``24:00`` for the end of the day) on weekdays, weekends
too with ``SEND_WEEKENDS``; a campaign may set its own hours (the same start and end: all day) and its own choice
of weekends. A window whose end comes before its start runs over midnight (``22:00-06:00``)."""

from datetime import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

PARIS = ZoneInfo("Europe/Paris")
END_OF_DAY = None


def _moment(text):
    hours, minutes = (int(part) for part in text.strip().split(":"))
    return END_OF_DAY if hours == 24 else time(hours, minutes)


def site_window():
    """(start, end, weekends) of the site: end is None for the end of the day."""
    start, end = settings.SEND_WINDOW.split("-")
    return _moment(start), _moment(end), settings.SEND_WEEKENDS


def window_of(campaign):
    """(start, end, weekends) of a campaign: its own where set, the site's otherwise."""
    start, end, weekends = site_window()
    if campaign.send_from is not None and campaign.send_until is not None:
        start, end = campaign.send_from, campaign.send_until
    if campaign.send_weekends is not None:
        weekends = campaign.send_weekends
    return start, end, weekends


def sending_allowed(campaign, *, now=None):
    """True when the campaign's emails may leave at ``now``."""
    start, end, weekends = window_of(campaign)
    local = timezone.localtime(now or timezone.now(), PARIS)
    if local.weekday() >= 5 and not weekends:
        return False
    moment = local.time()
    if end is END_OF_DAY:
        return moment >= start
    if start == end:
        return True
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def window_label(campaign):
    """The campaign's window in words, for staff: « de 08:00 à 20:00, en semaine »."""
    start, end, weekends = window_of(campaign)
    hours = (
        _("toute la journée")
        if start == end or (start == time(0) and end is END_OF_DAY)
        else _("de %(start)s à %(end)s") % {"start": start.strftime("%H:%M"), "end": (end or time(0)).strftime("%H:%M")}
    )
    return hours + ", " + (_("tous les jours") if weekends else _("en semaine"))
