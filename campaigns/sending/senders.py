"""Sending the emails of a campaign or of a reminder.

A sender claims a batch of due emails (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several senders and clusters
share the work), sends them over one connection, and records each outcome with one small write as soon as the
server answers:

- accepted: sent (state moves forward only, guarded by the claim);
- temporary failure (4xx, dropped connection): queued again with exponential backoff, failed after
  ``SEND_MAX_ATTEMPTS``;
- permanent failure (5xx): failed, never retried; what the refusal says about the address (dead, paused after
  repeated soft bounces) is read by ``campaigns.sending.refusals``;
- no token yet for the recipient's domain (``campaigns.sending.pace``): queued again for when it has one.

Every email takes a token of the site's pace first, shared with every other sender of every cluster. Senders
stop when their campaign's sending window closes (``campaigns.sending.window``); the tick starts them again.

A sender that dies (kill -9) leaves its claim behind. Live senders renew their claims; ``release_stale_claims``
(run every minute by the ``tick`` schedule) puts the emails of a claim that stopped renewing back in the queue.
Emails of a claim are sent in id order, so only its lowest still-claimed email can have been in flight when the
sender died: that one, and only that one, is counted as a possible duplicate.
"""

import logging
import smtplib
import socket
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django_q.tasks import async_task

from campaigns.database.async_commit import execute_async_commit
from campaigns.models import Campaign, Invitation, Reminder, ReminderDelivery
from campaigns.sending import refusals, window
from campaigns.sending.emails import build_message, connection_close, invitation_source, raw_message
from campaigns.sending.pace import Pacer, PaceUnavailable

log = logging.getLogger("campaigns.sending")
Status = Invitation.Status

KINDS = {
    "invitations": (Invitation, "campaign_id", lambda: ["ambassador", "campaign", "subject_variant"]),
    "reminders": (
        ReminderDelivery,
        "reminder_id",
        lambda: ["invitation__ambassador", "invitation__campaign", "reminder"],
    ),
}


def senders_enqueue(kind, object_id, count=None):
    """Queue ``SEND_PARALLEL`` sender tasks for the emails of a campaign (or of a reminder)."""
    for _number in range(count or settings.SEND_PARALLEL):
        async_task("campaigns.tasks.send_emails", kind, object_id, task_name=f"send-{kind}-{object_id}")


def _due(model, owner_field, object_id, now):
    return model.objects.filter(**{owner_field: object_id}, status=Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def claim_batch(kind, object_id, *, now=None, size=None):
    """Take up to ``size`` due emails for this sender. Returns (claim, ids in sending order)."""
    model, owner_field, _related = KINDS[kind]
    now = now or timezone.now()
    claim = uuid.uuid4().hex
    with transaction.atomic():
        ids = list(
            _due(model, owner_field, object_id, now)
            .order_by("id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[: size or settings.SEND_BATCH_SIZE]
        )
        if ids:
            model.objects.filter(id__in=ids).update(status=Status.SENDING, claim=claim, claimed_at=now)
    return claim, ids


PermanentFailure = refusals.PermanentFailure
OUTCOMES = ("sent", "retry", "failed", "deferred", "skipped")
PACE_RETRY_SECONDS = 10  # an email with no pace token because Redis did not answer waits this long


def _record(model, item_id, claim, **fields):
    return model.objects.filter(pk=item_id, claim=claim, status=Status.SENDING).update(claim="", **fields)


def _record_sent(model, item_id, claim):
    """The one write per email sent, as soon as the server accepted it; guarded by the claim so that it only
    moves the state forward. Its commit does not wait for the disk (see async_commit). Should the connection
    have dropped, the write is tried once more on a fresh one: the email is gone, it must not be sent again."""
    sql = (
        f"UPDATE {model._meta.db_table} SET status = %s, sent_at = %s, attempts = attempts + 1, claim = '' "
        "WHERE id = %s AND claim = %s AND status = %s AND {async_commit}"
    )
    params = [
        Status.SENT.value,
        connection.ops.adapt_datetimefield_value(timezone.now()),
        item_id,
        claim,
        Status.SENDING.value,
    ]
    try:
        execute_async_commit(sql, params)
    except (InterfaceError, OperationalError):
        connection.close()
        execute_async_commit(sql, params)


def _email_of(kind, item):
    """What the email of a claimed invitation or reminder is made of, as build_message takes it."""
    if kind == "invitations":
        return {
            "source": invitation_source(item),
            "campaign": item.campaign,
            "ambassador": item.ambassador,
            "token": item.token,
            "metadata": {"invitation": str(item.pk)},
        }
    invitation = item.invitation
    return {
        "source": item.reminder,
        "campaign": invitation.campaign,
        "ambassador": invitation.ambassador,
        "token": invitation.token,
        "metadata": {"invitation": str(invitation.pk), "reminder": str(item.reminder_id)},
    }


def _send(backend, email, pacer):
    """Send one email over the open connection: as prepared bytes straight to the SMTP server when the backend
    is Django's SMTP one (the same message, made faster), through the backend otherwise. The pace's token is
    taken once the message is ready, just before it goes. Returns 0 once sent, or the seconds to defer it by."""
    backend.open()  # keeps the batch on one connection (a no-op while open; reconnects after a drop)
    address = email["ambassador"].email
    if isinstance(backend, SMTPBackend):
        data = raw_message(**{key: email[key] for key in ("source", "campaign", "ambassador", "token")})
        if data is not None:
            wait = pacer.take(address)
            if not wait:
                backend.connection.sendmail(settings.DEFAULT_FROM_EMAIL, [address], data)
            return wait
    message = build_message(**email)
    wait = pacer.take(address)
    if not wait:
        backend.send_messages([message])
    return wait


class _Batch:
    """The state of one batch: its claim, the pace, when the claim was last renewed, deferrals per domain."""

    def __init__(self, model, kind, claim):
        self.model, self.kind, self.claim = model, kind, claim
        self.pacer = Pacer()
        self.heartbeat = max(1.0, settings.SEND_LEASE_SECONDS / 4)
        self.last_beat = time.monotonic()
        self.deferred = {}
        self.outcome = dict.fromkeys(OUTCOMES, 0)

    def renew(self):
        if time.monotonic() - self.last_beat > self.heartbeat:
            self.model.objects.filter(claim=self.claim, status=Status.SENDING).update(claimed_at=timezone.now())
            self.last_beat = time.monotonic()

    def defer(self, item, address, wait):
        """Back in the queue until the domain has a token; the deferred of a domain spread one interval apart."""
        domain = address.rpartition("@")[2].lower()
        rank = self.deferred[domain] = self.deferred.get(domain, 0) + 1
        delay = wait + (rank - 1) * self.pacer.domain_interval(address) / 1e6
        when = timezone.now() + timedelta(seconds=delay)
        _record(self.model, item.pk, self.claim, status=Status.QUEUED, next_attempt_at=when, claimed_at=None)
        return "deferred"


def send_batch(kind, claim, ids, *, connection_factory=None):
    """Send the claimed emails in order over one connection. Returns counts by outcome."""
    model, _owner, related = KINDS[kind]
    batch = _Batch(model, kind, claim)
    if not ids:
        return batch.outcome
    backend = (connection_factory or mail.get_connection)()
    items = (
        model.objects.filter(id__in=ids, claim=claim, status=Status.SENDING).select_related(*related()).order_by("id")
    )
    try:
        for item in items.iterator(chunk_size=500):
            batch.renew()
            batch.outcome[_send_one(batch, backend, item)] += 1
    finally:
        connection_close(backend)
    return batch.outcome


def _send_one(batch, backend, item):
    """Send one claimed email and record what became of it; returns its outcome."""
    email = _email_of(batch.kind, item)
    ambassador = email["ambassador"]
    if ambassador.email_bounced_at or ambassador.email_paused_at:  # since the launch: it would bounce again
        _record(batch.model, item.pk, batch.claim, status=Status.SKIPPED)
        return "skipped"
    try:
        wait = _send(backend, email, batch.pacer)
    except PaceUnavailable as exc:
        log.warning("no pace token: email deferred", extra={"kind": batch.kind, "id": item.pk, "error": str(exc)})
        return batch.defer(item, ambassador.email, PACE_RETRY_SECONDS)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the email, never lost
        return _failure(batch.model, batch.kind, item, batch.claim, exc, backend, ambassador)
    if wait:
        return batch.defer(item, ambassador.email, wait)
    _record_sent(batch.model, item.pk, batch.claim)
    if ambassador.soft_bounce_count:
        refusals.soft_bounces_reset(ambassador.pk)
    return "sent"


def _failure(model, kind, item, claim, exc, backend, ambassador):
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:300]
    attempts = item.attempts + 1
    refusal = refusals.refusal_of(exc)
    if refusal == refusals.Refusal.ADDRESS:
        refusals.address_bounced(ambassador.pk, when=now)
    paused = refusal == refusals.Refusal.SOFT and refusals.soft_bounce_record(ambassador.pk, when=now)
    if refusal.permanent or paused or attempts >= settings.SEND_MAX_ATTEMPTS:
        _record(model, item.pk, claim, status=Status.FAILED, failed_at=now, attempts=attempts, last_error=error)
        log.warning("email failed", extra={"kind": kind, "id": item.pk, "error": error, "refusal": refusal.value})
        return "failed"
    delay = min(settings.SEND_RETRY_BASE_SECONDS * 2 ** (attempts - 1), 6 * 3600)
    _record(
        model,
        item.pk,
        claim,
        status=Status.QUEUED,
        attempts=attempts,
        last_error=error,
        next_attempt_at=now + timedelta(seconds=delay),
        claimed_at=None,
    )
    log.info("email will be retried", extra={"kind": kind, "id": item.pk, "error": error, "delay": delay})
    if isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionError, socket.timeout, OSError)):
        connection_close(backend)  # start again on a fresh connection
    return "retry"


SOON_SECONDS = 5  # a sender waits for emails due this soon (deferred by a domain's pace) rather than leave


def send_emails(kind, object_id, *, max_seconds=None):
    """A sender task: claim and send batches until nothing is due soon, the campaign's sending window closes, or
    the time budget is spent (then it queues itself again). Returns counts by outcome."""
    deadline = time.monotonic() + (max_seconds or settings.SEND_TASK_SECONDS)
    total = dict.fromkeys(OUTCOMES, 0)
    campaign = _campaign_of(kind, object_id)
    interruptions = 0
    while time.monotonic() < deadline:
        if campaign is None or not window.sending_allowed(campaign):
            return total  # the tick starts the senders again when the window opens
        claim, ids = claim_batch(kind, object_id)
        if not ids:
            wait = _soon_due(kind, object_id)
            if wait is None or time.monotonic() + wait >= deadline:
                return total
            time.sleep(wait)
            continue
        try:
            outcome = _batch_run(kind, object_id, claim, ids)
        except (InterfaceError, OperationalError) as exc:
            # The connection dropped (a failover, a restarted pooler): take a fresh one and put the rest of the
            # batch back in the queue at once, rather than leave it to the lease. A third time, or a database
            # still out of reach, raises: the lease takes over.
            interruptions += 1
            if interruptions > 2:
                raise
            _batch_interrupted(kind, object_id, claim, exc)
            continue
        for key, value in outcome.items():
            total[key] += value
    senders_enqueue(kind, object_id, count=1)
    return total


def _batch_run(kind, object_id, claim, ids):
    started = time.monotonic()
    outcome = send_batch(kind, claim, ids)
    seconds = round(time.monotonic() - started, 3)
    log.info(
        "batch sent", extra={"kind": kind, KINDS[kind][1]: object_id, "emails": len(ids), **outcome, "seconds": seconds}
    )
    return outcome


def _campaign_of(kind, object_id):
    if kind == "invitations":
        return Campaign.objects.filter(pk=object_id).first()
    reminder = Reminder.objects.select_related("campaign").filter(pk=object_id).first()
    return reminder.campaign if reminder else None


def _soon_due(kind, object_id):
    """Seconds until the next queued email of this campaign or reminder is due, if within ``SOON_SECONDS``."""
    model, owner_field, _related = KINDS[kind]
    now = timezone.now()
    soon = (
        model.objects.filter(**{owner_field: object_id}, status=Status.QUEUED, next_attempt_at__gt=now)
        .filter(next_attempt_at__lte=now + timedelta(seconds=SOON_SECONDS))
        .aggregate(first=Min("next_attempt_at"))["first"]
    )
    return None if soon is None else max(0.0, (soon - now).total_seconds())


def _batch_interrupted(kind, object_id, claim, exc):
    """On a fresh connection, put back in the queue what the interrupted batch had not sent."""
    connection.close()
    released = _claims_release(KINDS[kind][0].objects.filter(claim=claim, status=Status.SENDING))
    error = f"{type(exc).__name__}: {exc}"[:300]
    log.warning(
        "batch interrupted", extra={"kind": kind, KINDS[kind][1]: object_id, "released": released, "error": error}
    )


def _claims_release(claimed):
    """Put the ``claimed`` emails (status sending) back in the queue. The first unsent email of each claim may
    have been in flight (accepted by the server, not yet recorded): it is counted as a possible duplicate."""
    with transaction.atomic():
        in_flight = list(claimed.order_by().values("claim").annotate(first=Min("id")).values_list("first", flat=True))
        if not in_flight:
            return 0
        claimed.model.objects.filter(id__in=in_flight).update(possible_duplicates=F("possible_duplicates") + 1)
        return claimed.update(status=Status.QUEUED, claim="", claimed_at=None)


def release_stale_claims(*, now=None):
    """Put back in the queue the emails of senders that stopped renewing their claim (a dead worker)."""
    now = now or timezone.now()
    released = 0
    for model, _owner, _related in KINDS.values():
        released += _claims_release(
            model.objects.filter(
                status=Status.SENDING, claimed_at__lt=now - timedelta(seconds=settings.SEND_LEASE_SECONDS)
            )
        )
    if released:
        log.warning("released stale claims", extra={"emails": released})
    return released


def pending_work(*, now=None):
    """(kind, object id) of live campaigns and reminders with due emails, inside their sending window, and no
    sender at work on them."""
    now = now or timezone.now()
    fresh = now - timedelta(seconds=settings.SEND_LEASE_SECONDS)
    work = []
    for kind, (model, owner_field, _related) in KINDS.items():
        live = (
            Q(campaign__status=Campaign.Status.LIVE)
            if kind == "invitations"
            else Q(invitation__campaign__status=Campaign.Status.LIVE)
        )
        due = set(
            model.objects.filter(live, status=Status.QUEUED)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .values_list(owner_field, flat=True)
            .distinct()
        )
        busy = set(
            model.objects.filter(status=Status.SENDING, claimed_at__gte=fresh)
            .values_list(owner_field, flat=True)
            .distinct()
        )
        work += [(kind, object_id) for object_id in sorted(_in_window(kind, due - busy, now))]
    return work


def _in_window(kind, object_ids, now):
    """Those of ``object_ids`` (campaigns or reminders) whose campaign may send at ``now``."""
    if kind == "invitations":
        campaigns = {campaign.pk: campaign for campaign in Campaign.objects.filter(pk__in=object_ids)}
    else:
        campaigns = {
            reminder.pk: reminder.campaign
            for reminder in Reminder.objects.filter(pk__in=object_ids).select_related("campaign")
        }
    return {pk for pk, campaign in campaigns.items() if window.sending_allowed(campaign, now=now)}
