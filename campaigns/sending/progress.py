"""The live sending and engagement figures of a campaign, in one aggregate query on Invitation."""

from django.db.models import Count, Q, Sum

from campaigns.models import Campaign, Invitation
from campaigns.sending.subject_tests import HELD_UNTIL

Status = Invitation.Status


def campaign_progress(campaign):
    figures = Invitation.objects.filter(campaign=campaign).aggregate(
        invited=Count("id", filter=~Q(status=Status.SKIPPED)),
        skipped=Count("id", filter=Q(status=Status.SKIPPED)),
        waiting=Count("id", filter=Q(status__in=[Status.QUEUED, Status.SENDING])),
        retrying=Count("id", filter=Q(status=Status.QUEUED, attempts__gt=0)),
        held=Count("id", filter=Q(status=Status.QUEUED, next_attempt_at=HELD_UNTIL)),
        sent=Count("id", filter=Q(sent_at__isnull=False)),
        delivered=Count("id", filter=Q(status=Status.DELIVERED)),
        bounced=Count("id", filter=Q(status=Status.BOUNCED)),
        failed=Count("id", filter=Q(status=Status.FAILED)),
        opened=Count("id", filter=Q(first_opened_at__isnull=False)),
        human_opened=Count("id", filter=Q(first_human_open_at__isnull=False)),
        clicked=Count("id", filter=Q(first_clicked_at__isnull=False)),
        human_clicked=Count("id", filter=Q(first_human_click_at__isnull=False)),
        responded=Count("id", filter=Q(responded_at__isnull=False)),
        unsubscribed=Count("id", filter=Q(unsubscribed_at__isnull=False)),
        possible_duplicates=Sum("possible_duplicates"),
    )
    figures["possible_duplicates"] = figures["possible_duplicates"] or 0
    figures["percent_sent"] = (
        round(100 * (figures["sent"] + figures["failed"]) / figures["invited"]) if figures["invited"] else 0
    )
    return figures


def live_campaigns_progress(*, limit=10):
    """The live campaigns (latest opened first, at most ``limit``) with their invited, sent, opened and answered
    counts: two queries, one grouped aggregate on Invitation for all of them."""
    campaigns = list(Campaign.objects.filter(status=Campaign.Status.LIVE).order_by("-opens_at", "-pk")[:limit])
    figures = {
        row["campaign"]: row
        for row in Invitation.objects.filter(campaign__in=campaigns)
        .values("campaign")
        .annotate(
            invited=Count("id", filter=~Q(status=Status.SKIPPED)),
            sent=Count("id", filter=Q(sent_at__isnull=False)),
            opened=Count("id", filter=Q(first_opened_at__isnull=False)),
            responded=Count("id", filter=Q(responded_at__isnull=False)),
        )
        .order_by()
    }
    empty = {"invited": 0, "sent": 0, "opened": 0, "responded": 0}
    return [(campaign, figures.get(campaign.pk, empty)) for campaign in campaigns]
