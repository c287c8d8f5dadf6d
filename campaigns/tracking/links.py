"""Personal links: the invitation a token names, and whether its link still opens the campaign."""

import re

from django.utils import timezone

from campaigns.models import Campaign, Invitation

TOKEN = re.compile(r"^[0-9a-f]{64}$")


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
    if campaign.status in (Campaign.Status.CLOSED, Campaign.Status.ARCHIVED) or (
        campaign.closes_at and campaign.closes_at <= now
    ):
        return "closed"
    if campaign.status != Campaign.Status.LIVE:
        return "not_open"
    return ""
