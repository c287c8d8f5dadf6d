"""Reminders: some days after launch, an email to the invited who have not answered."""

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from campaigns.audience.segments import contactable_ambassadors
from campaigns.models import Campaign, Invitation, Reminder, ReminderDelivery
from campaigns.sending import senders

Status = Invitation.Status


def reminders_start(*, now=None):
    """Create the deliveries of reminders that are due, for invited ambassadors who have not answered, opted
    out or bounced, in one statement each. Returns the reminders started."""
    now = now or timezone.now()
    started = []
    due = Reminder.objects.filter(
        started_at__isnull=True, campaign__status=Campaign.Status.LIVE, campaign__launched_at__isnull=False
    ).select_related("campaign")
    for reminder in due:
        if reminder.campaign.launched_at + timedelta(days=reminder.days_after) > now or not reminder.has_email:
            continue
        with transaction.atomic():
            if not Reminder.objects.filter(pk=reminder.pk, started_at__isnull=True).update(started_at=now):
                continue  # started by another clock in the meantime
            _deliveries_create(reminder, now)
            transaction.on_commit(lambda pk=reminder.pk: senders.senders_enqueue("reminders", pk))
        started.append(reminder)
    return started


def _deliveries_create(reminder, now):
    """One queued delivery per invitation still waiting for an answer, in one INSERT ... SELECT."""
    targets = (
        Invitation.objects.filter(
            campaign=reminder.campaign,
            status__in=[Status.SENT, Status.DELIVERED],
            responded_at__isnull=True,
            unsubscribed_at__isnull=True,
            withdrawn_at__isnull=True,
            ambassador__in=contactable_ambassadors(),
        )
        .annotate(target_id=F("pk"))
        .values_list("target_id")
        .order_by()
    )
    select_sql, select_params = targets.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {ReminderDelivery._meta.db_table} (reminder_id, invitation_id, status, created_at)
                SELECT %s, target.target_id, %s, %s FROM ({select_sql}) AS target WHERE 1 = 1
                ON CONFLICT (reminder_id, invitation_id) DO NOTHING""",
            [reminder.pk, Status.QUEUED, connection.ops.adapt_datetimefield_value(now), *select_params],
        )
