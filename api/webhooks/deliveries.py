"""Webhook deliveries: collected from the sources into one row per event and subscription, sent by django-q2 tasks,
retried with exponential backoff, logged with what the receiver answered, replayable.

``webhooks_tick`` (every minute, the ``api: webhooks`` schedule) collects what happened since the last tick, up to
``WEBHOOK_LAG_SECONDS`` ago (so that a row written by a transaction still open is not skipped by the cursor), and
queues a task for each delivery due. A delivery that fails (no answer, or not a 2xx) is tried again after
``WEBHOOK_RETRY_SECONDS`` × 2^(attempts − 1), and given up after ``WEBHOOK_MAX_ATTEMPTS``."""

import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django_q.tasks import async_task

from api.models import DeliveryStatus, WebhookCursor, WebhookDelivery, WebhookSubscription
from api.webhooks.signing import HEADER, signature_header
from api.webhooks.sources import SOURCES

log = logging.getLogger("api.webhooks")
BATCH = 1000


def may_read_identities(role):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        group__name=role, content_type__app_label="campaigns", codename="view_ambassador"
    ).exists()


def webhooks_collect(*, now=None):
    """Turn what happened since each event's cursor into deliveries for its active subscriptions. Returns how many
    deliveries were made."""
    until = (now or timezone.now()) - timedelta(seconds=settings.WEBHOOK_LAG_SECONDS)
    made = 0
    subscribed = WebhookSubscription.objects.filter(active=True)
    for event, start in subscribed.values_list("event").annotate(start=Min("created_at")):
        subscriptions = list(subscribed.filter(event=event))
        identities = {role: may_read_identities(role) for role in {s.role for s in subscriptions}}
        with transaction.atomic():
            cursor, _created = WebhookCursor.objects.select_for_update().get_or_create(
                event=event, defaults={"last_at": start}
            )
            rows = list(SOURCES[event](cursor.last_at, cursor.last_id, until, BATCH))
            deliveries = [
                WebhookDelivery(
                    subscription=subscription,
                    event=event,
                    source_key=f"{event}:{pk}:{at.timestamp()}",
                    body=payload_body(event, at, pk, public, personal if identities[subscription.role] else {}),
                    next_attempt_at=until,
                )
                for at, pk, public, personal in rows
                for subscription in subscriptions
            ]
            WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=BATCH)
            if rows:
                cursor.last_at, cursor.last_id = rows[-1][0], rows[-1][1]
                cursor.save(update_fields=["last_at", "last_id"])
        made += len(deliveries)
    return made


def payload_body(event, at, pk, public, personal):
    return json.dumps(
        {"id": f"{event}:{pk}", "event": event, "occurred_at": at.isoformat(), "data": {**public, **personal}},
        ensure_ascii=False,
        sort_keys=True,
    )


def deliveries_due(*, now=None):
    now = now or timezone.now()
    return WebhookDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING],
    )


def webhooks_tick(*, now=None):
    """Collect, then queue a task for each delivery due (at most ``WEBHOOK_BATCH`` a tick). Returns how many.

    Each delivery queued is held back for a lease (its ``next_attempt_at`` moved past the time its POST may take),
    so the next tick does not queue it again while its task waits; its task then sends it whatever the clock."""
    now = now or timezone.now()
    webhooks_collect(now=now)
    with transaction.atomic():
        due = list(
            deliveries_due(now=now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[: settings.WEBHOOK_BATCH]
        )
        lease = now + timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT_SECONDS + 60)
        WebhookDelivery.objects.filter(pk__in=due).update(next_attempt_at=lease)
    for pk in due:
        async_task("api.tasks.deliver_webhook", pk, now, task_name=f"webhook-{pk}")
    return len(due)


def retry_delay(attempts):
    return timedelta(seconds=settings.WEBHOOK_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def post(url, body, headers):
    """(HTTP status or None, error text) of one POST."""
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))[:500]


def delivery_send(delivery_id, now=None):
    """Send one queued delivery unless it was delivered or given up meanwhile; record the answer, then delivered, a
    retry later, or given up. Returns its status (None when there was nothing to send)."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING])
            .select_for_update(skip_locked=True)
            .select_related("subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return None
        subscription = delivery.subscription
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Ambassadeurs-Webhooks/1",
            "Ambassadeurs-Event": delivery.event,
            "Ambassadeurs-Delivery": str(delivery.pk),
            HEADER: signature_header(subscription.secret, time.time(), delivery.body),
        }
        status, error = post(subscription.url, delivery.body, headers)
        delivery.attempts += 1
        delivery.last_status_code, delivery.last_error = status, error
        if status is not None and 200 <= status < 300:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.RETRYING, now + retry_delay(delivery.attempts)
        delivery.save()
    log.info("webhook sent", extra={"delivery": delivery.pk, "status": delivery.status, "http": status})
    return delivery.status


def delivery_replay(delivery, *, now=None):
    """Send a delivery again (from the admin): due at once, a fresh round of attempts; the same body and id, so
    the receiver can tell it has seen it."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now or timezone.now()
    )
    transaction.on_commit(
        lambda: async_task("api.tasks.deliver_webhook", delivery.pk, task_name=f"webhook-{delivery.pk}")
    )
