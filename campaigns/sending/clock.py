"""The campaigns' clock, run every minute by django-q2 (the ``campaigns: tick`` schedule)."""

import logging

from django.utils import timezone

from campaigns.models import Campaign
from campaigns.sending import senders, subject_tests
from campaigns.sending.launch import LaunchError, campaign_close, campaign_launch
from campaigns.sending.reminders import reminders_start

log = logging.getLogger("campaigns.sending")


def tick(*, now=None):
    """The campaigns' clock, run every minute by django-q2: launch scheduled campaigns, close expired ones,
    start due reminders, decide due subject tests (then send the rest of their audience), release dead senders'
    claims and restart sending where nobody is at work."""
    now = now or timezone.now()
    for campaign in Campaign.objects.filter(status=Campaign.Status.SCHEDULED, opens_at__lte=now):
        try:
            campaign_launch(campaign, now=now)
        except LaunchError as exc:
            log.error(
                "scheduled campaign could not launch", extra={"campaign": campaign.slug, "problems": exc.messages}
            )
    for campaign in Campaign.objects.filter(status=Campaign.Status.LIVE, closes_at__lte=now):
        campaign_close(campaign, now=now)
    reminders_start(now=now)
    subject_tests.subject_tests_decide(now=now)
    senders.release_stale_claims(now=now)
    for kind, object_id in senders.pending_work(now=now):
        senders.senders_enqueue(kind, object_id)
