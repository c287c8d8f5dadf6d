"""The clock launches scheduled campaigns, closes expired ones and restarts sending where nobody works."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Invitation
from campaigns.sending import clock, senders
from campaigns.sending.launch import campaign_launch
from tests.campaigns.factories import campaign, region_segment

pytestmark = pytest.mark.django_db
Status = Invitation.Status


def test_tick_launches_scheduled_campaigns_and_closes_expired_ones(audience):
    scheduled = campaign(
        slug="programmee",
        segments=[region_segment()],
        status=Campaign.Status.SCHEDULED,
        opens_at=timezone.now() - timedelta(minutes=1),
    )
    expired = campaign(
        slug="finie",
        status=Campaign.Status.LIVE,
        launched_at=timezone.now() - timedelta(days=20),
        opens_at=timezone.now() - timedelta(days=20),
        closes_at=timezone.now() - timedelta(minutes=1),
    )
    clock.tick()
    scheduled.refresh_from_db()
    expired.refresh_from_db()
    assert scheduled.status == Campaign.Status.LIVE and scheduled.invitations.count() == 2
    assert expired.status == Campaign.Status.CLOSED


def test_tick_restarts_sending_where_nobody_is_at_work(audience, smtp_server):
    target = campaign(segments=[region_segment()])
    campaign_launch(target)  # outside on_commit capture: no sender was queued
    assert senders.pending_work() == [("invitations", target.pk)]
    clock.tick()
    assert set(Invitation.objects.values_list("status", flat=True)) == {Status.SENT}
    assert senders.pending_work() == []
