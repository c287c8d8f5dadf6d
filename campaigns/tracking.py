"""What ambassadors do with their invitation: opens, clicks, answers, unsubscribing. Each records with one
small UPDATE so the endpoints answer at once; first times are kept with COALESCE, counts with F()."""

import re
from datetime import timedelta

from django.conf import settings
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns.models import Campaign, Invitation
from campaigns.opt_out import ambassadors_opt_out

TOKEN = re.compile(r"^[0-9a-f]{64}$")
# Agents that fetch images on the recipient's behalf (privacy proxies, security scanners).
PROXY_AGENTS = re.compile(r"GoogleImageProxy|ggpht\.com|YahooMailProxy|Mimecast|Barracuda|Proofpoint|"
                          r"Symantec|bingpreview|Outlook-Proxy|AppleMailProxy", re.IGNORECASE)


def invitation_for_token(token):
    if not TOKEN.match(token or ""):
        return None
    return Invitation.objects.select_related("campaign", "ambassador").filter(token=token).first()


def link_state(invitation, *, now=None):
    """Why a personal link does not open its campaign ("withdrawn", "closed", "not_open"), or "" when it does."""
    now = now or timezone.now()
    campaign = invitation.campaign
    if invitation.withdrawn_at:
        return "withdrawn"
    if campaign.status in (Campaign.Status.CLOSED, Campaign.Status.ARCHIVED) or (campaign.closes_at and campaign.closes_at <= now):
        return "closed"
    if campaign.status != Campaign.Status.LIVE:
        return "not_open"
    return ""


def is_proxy_agent(user_agent):
    return bool(PROXY_AGENTS.search(user_agent or ""))


def record_open(token, *, user_agent="", now=None):
    """Count an open of the pixel. Opens from proxy agents, or within PROXY_OPEN_SECONDS of sending, are not
    taken as a human's. Returns whether the token was known."""
    if not TOKEN.match(token or ""):
        return False
    now = now or timezone.now()
    updates = {"open_count": F("open_count") + 1, "first_opened_at": Coalesce("first_opened_at", Value(now))}
    if not is_proxy_agent(user_agent):
        too_soon = Q(sent_at__gt=now - timedelta(seconds=settings.PROXY_OPEN_SECONDS))
        updates["first_human_open_at"] = Case(When(too_soon, then=F("first_human_open_at")),
                                              default=Coalesce("first_human_open_at", Value(now)))
    return bool(Invitation.objects.filter(token=token).update(**updates))


def record_click(invitation, *, now=None):
    """A click on the personal link: also an open, and a human one."""
    now = now or timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(
        click_count=F("click_count") + 1, first_clicked_at=Coalesce("first_clicked_at", Value(now)),
        first_opened_at=Coalesce("first_opened_at", Value(now)),
        first_human_open_at=Coalesce("first_human_open_at", Value(now)))


def mark_responded(invitation, *, now=None):
    """The ambassador answered the survey, posted an idea or voted (called by surveys and ideas)."""
    now = now or timezone.now()
    Invitation.objects.filter(pk=invitation.pk, responded_at__isnull=True).update(responded_at=now)


def unsubscribe(invitation, *, now=None):
    """Opt the ambassador out at once, from every campaign, and note it on this invitation."""
    now = now or timezone.now()
    ambassadors_opt_out([invitation.ambassador_id], when=now)
    Invitation.objects.filter(pk=invitation.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
