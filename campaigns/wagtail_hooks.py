"""The campaigns app in the Wagtail admin: what is registered where. The viewsets live beside what they show
(``campaigns.audience.viewsets``, ``campaigns.sending.viewsets``); the pieces other apps build on in
``campaigns.staff_admin``."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet

from campaigns.audience.viewsets import (
    AddToSegmentBulkAction,
    AmbassadorDataViewSet,
    AmbassadorImportViewSet,
    AudienceGroup,
    OptOutBulkAction,
)
from campaigns.audit.report import AuditViewSet, audit_menu_item
from campaigns.audit.trail import actions_register
from campaigns.models import Ambassador, Campaign
from campaigns.sending.viewsets import (
    CampaignActionsViewSet,
    CampaignsGroup,
    LiveCampaignsPanel,
    OutboxViewSet,
    WithdrawBulkAction,
)

register_snippet(AudienceGroup)
register_snippet(CampaignsGroup)
hooks.register("register_bulk_action", OptOutBulkAction)
hooks.register("register_bulk_action", AddToSegmentBulkAction)
hooks.register("register_bulk_action", WithdrawBulkAction)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [
        AmbassadorImportViewSet(),
        CampaignActionsViewSet(),
        OutboxViewSet(),
        AmbassadorDataViewSet(),
        AuditViewSet(),
    ]


# The audit trail: its actions in Wagtail's log registry, its report for superusers.
hooks.register("register_log_actions", actions_register)
hooks.register("register_reports_menu_item", audit_menu_item)


@hooks.register("register_snippet_listing_buttons")
def campaign_follow_button(snippet, user, next_url=None):
    if isinstance(snippet, Campaign):
        yield ListingButton(
            _("Suivi"), reverse("campaign_actions:overview", args=[snippet.pk]), icon_name="view", priority=5
        )
    if isinstance(snippet, Ambassador) and snippet.erased_at is None:
        if user.has_perm("campaigns.view_ambassador"):
            yield ListingButton(
                _("Ses données"),
                reverse("ambassador_data:export", args=[snippet.pk]),
                icon_name="download",
                priority=30,
            )
        if user.has_perm("campaigns.delete_ambassador"):
            yield ListingButton(
                _("Effacer"), reverse("ambassador_data:erase", args=[snippet.pk]), icon_name="bin", priority=31
            )


@hooks.register("construct_homepage_panels")
def live_campaigns_panel(request, panels):
    if request.user.has_perm("campaigns.view_campaign"):
        panels.append(LiveCampaignsPanel())
