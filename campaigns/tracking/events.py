"""What ambassadors do with their invitation: opens, clicks, answers, unsubscribing. Each records with one
small UPDATE so the endpoints answer at once; first times are kept with COALESCE, counts with F()."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from campaigns.audience.opt_out import ambassadors_opt_out
from campaigns.database.async_commit import execute_async_commit
from campaigns.models import Campaign, Invitation
from campaigns.tracking.classify import is_proxy_agent
from campaigns.tracking.links import TOKEN

# The two busiest writes, as SQL: the ORM's expression building costs more than the UPDATE itself.
OPEN_SQL = f"""
    UPDATE {Invitation._meta.db_table}
    SET open_count = open_count + 1,
        first_opened_at = COALESCE(first_opened_at, %(now)s),
        first_human_open_at = CASE WHEN %(human)s AND (sent_at IS NULL OR sent_at <= %(soonest)s)
                                   THEN COALESCE(first_human_open_at, %(now)s) ELSE first_human_open_at END
    WHERE token = %(token)s AND {{async_commit}}"""
# A click counts only while the link works (invitation not withdrawn, campaign live and not past its closing):
# checked in the same statement, which returns where to go.
CLICK_SQL = f"""
    UPDATE {Invitation._meta.db_table}
    SET click_count = click_count + 1,
        first_clicked_at = COALESCE(first_clicked_at, %(now)s),
        first_opened_at = COALESCE(first_opened_at, %(now)s),
        first_human_open_at = COALESCE(first_human_open_at, %(now)s)
    WHERE token = %(token)s AND withdrawn_at IS NULL
          AND campaign_id IN (SELECT id FROM {Campaign._meta.db_table}
                              WHERE status = %(live)s AND (closes_at IS NULL OR closes_at > %(now)s))
          AND {{async_commit}}
    RETURNING id, (SELECT slug FROM {Campaign._meta.db_table} WHERE id = campaign_id)"""


def record_open(token, *, user_agent="", now=None):
    """Count an open of the pixel, in one UPDATE written as SQL (the pixel is the busiest endpoint). Opens from
    proxy agents, or within PROXY_OPEN_SECONDS of sending, are not taken as a human's. Returns whether the
    token was known."""
    if not TOKEN.match(token or ""):
        return False
    now = now or timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    return (
        execute_async_commit(
            OPEN_SQL,
            {
                "now": adapt(now),
                "human": not is_proxy_agent(user_agent),
                "token": token,
                "soonest": adapt(now - timedelta(seconds=settings.PROXY_OPEN_SECONDS)),
            },
        )
        == 1
    )


def record_click(token, *, now=None):
    """A click on a working personal link, which is also an open, and a human one, in one statement. Returns
    (invitation id, campaign slug), or None when the link does not work (then nothing is counted)."""
    if not TOKEN.match(token or ""):
        return None
    now = now or timezone.now()
    rows = execute_async_commit(
        CLICK_SQL,
        {"now": connection.ops.adapt_datetimefield_value(now), "token": token, "live": Campaign.Status.LIVE.value},
        fetch=True,
    )
    return rows[0] if rows else None


def mark_responded(invitation, *, now=None):
    """The ambassador answered the survey, posted an idea or voted (called by surveys and ideas)."""
    now = now or timezone.now()
    Invitation.objects.filter(pk=invitation.pk, responded_at__isnull=True).update(responded_at=now)


def unsubscribe(invitation, *, now=None):
    """Opt the ambassador out at once, from every campaign, and note it on this invitation."""
    now = now or timezone.now()
    ambassadors_opt_out([invitation.ambassador_id], when=now)
    Invitation.objects.filter(pk=invitation.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
