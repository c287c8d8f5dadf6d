"""Retention: ``RETENTION_MONTHS`` after a campaign closed, its invitations stop being anyone's.

Each invitation loses its ambassador and its token (the personal link and the unsubscribe link stop working), its
tracking events their agent and network;
its states and timestamps stay, so the campaign's funnel and rates keep their figures, and survey responses
stay, tied to an invitation that names no one. The apps that keep contributions tied to a person detach them in
the same transaction (``register``: ideas detaches the campaign's ideas, comments and votes from their authors).
Run every day by the ``campaigns: retention`` schedule; one UPDATE per campaign and table."""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.database.tokens import token_sql
from campaigns.models import Campaign, Invitation, TrackingEvent

_detachers = []


def register(detach):
    """``detach(campaign)``: called for each campaign past retention, in its transaction, to detach what an app
    keeps of its people (ideas, comments, votes...)."""
    _detachers.append(detach)


def retention_due(now=None):
    """Closed campaigns past the retention period whose invitations still name someone."""
    if not settings.RETENTION_MONTHS:
        return Campaign.objects.none()
    limit = (now or timezone.now()) - timedelta(days=round(30.44 * settings.RETENTION_MONTHS))
    ended = Q(closed_at__lt=limit) | Q(closed_at__isnull=True, closes_at__lt=limit)
    return Campaign.objects.filter(
        ended, status__in=[Campaign.Status.CLOSED, Campaign.Status.ARCHIVED], deidentified_at__isnull=True
    )


def campaigns_deidentify(now=None):
    """De-identify the invitations of every campaign due; returns {campaign slug: invitations de-identified}."""
    now = now or timezone.now()
    done = {}
    for campaign in retention_due(now):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Invitation._meta.db_table} SET ambassador_id = NULL, token = {token_sql()}, "
                "withdrawn_at = COALESCE(withdrawn_at, %s) WHERE campaign_id = %s AND ambassador_id IS NOT NULL",
                [connection.ops.adapt_datetimefield_value(now), campaign.pk],
            )
            done[campaign.slug] = cursor.rowcount
            TrackingEvent.objects.filter(invitation__campaign=campaign).update(agent="", network="")
            for detach in _detachers:
                detach(campaign)
            Campaign.objects.filter(pk=campaign.pk).update(deidentified_at=now)
    return done
