"""Campaigns: list, a new one from a copy, launch, close (the same functions as the admin's buttons)."""

from django.db import IntegrityError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from api.auth import require
from api.schemas import CampaignCopyIn, CampaignOut, CloseOut, ErrorOut, LaunchOut
from campaigns.models import Campaign
from campaigns.sending.copies import campaign_copy
from campaigns.sending.launch import LaunchError, campaign_close, campaign_launch

router = Router(tags=["campagnes"])
FIELDS = ["id", "slug", "title", "kind", "status", "closes_at", "launched_at", "closed_at"]


@router.get("/campaigns", response={200: list[CampaignOut], 403: ErrorOut})
def campaigns_list(request, status: str = ""):
    """Every campaign, newest first; ``status`` (draft, live, closed, archived) keeps those in that state."""
    require(request, "campaigns.view_campaign")
    found = Campaign.objects.order_by("-created_at", "-pk")
    if status:
        found = found.filter(status=status)
    return list(found.values(*FIELDS))


@router.post("/campaigns/{campaign_id}/copy", response={201: CampaignOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def campaign_copy_create(request, campaign_id: int, payload: CampaignCopyIn):
    """A new draft campaign from a copy of this one: texts, settings, reminders, subject variants, segments."""
    require(request, "campaigns.view_campaign", "campaigns.add_campaign")
    source = get_object_or_404(Campaign, pk=campaign_id)
    if Campaign.objects.filter(slug=payload.slug).exists():
        raise HttpError(400, _("L'identifiant %(slug)s est déjà pris.") % {"slug": payload.slug})
    try:
        copy = campaign_copy(source, title=payload.title, slug=payload.slug, owner=request.auth.user)
    except IntegrityError:
        raise HttpError(400, _("L'identifiant %(slug)s est déjà pris.") % {"slug": payload.slug}) from None
    return Status(201, {name: getattr(copy, name) for name in FIELDS})


@router.post("/campaigns/{campaign_id}/launch", response={200: LaunchOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def launch(request, campaign_id: int):
    """Invite the audience and start sending; 400 with the reasons when the campaign cannot be launched."""
    require(request, "campaigns.change_campaign")
    target = get_object_or_404(Campaign, pk=campaign_id)
    if target.status != Campaign.Status.DRAFT:
        raise HttpError(400, _("Seule une campagne en brouillon se lance."))
    try:
        return {"invitations": campaign_launch(target)}
    except LaunchError as exc:
        raise HttpError(400, " ".join(exc.messages)) from None


@router.post("/campaigns/{campaign_id}/close", response={200: CloseOut, 403: ErrorOut, 404: ErrorOut})
def close(request, campaign_id: int):
    """Close a live campaign (``closed`` is false when it was not live)."""
    require(request, "campaigns.change_campaign")
    return {"closed": campaign_close(get_object_or_404(Campaign, pk=campaign_id))}
