"""Sending the emails of a campaign or of a reminder.

A sender claims a batch of due emails (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several senders and clusters
share the work), sends them over one connection, and records each outcome with one small write as soon as the
server answers:

- accepted: sent (state moves forward only, guarded by the claim);
- temporary failure (4xx, dropped connection): queued again with exponential backoff, failed after
  ``SEND_MAX_ATTEMPTS``;
- permanent failure (5xx): failed, never retried.

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
from campaigns.models import Campaign, Invitation, ReminderDelivery
from campaigns.sending.emails import build_message, connection_close, invitation_source, raw_message

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


class PermanentFailure(Exception):
    pass


def classify(exc):
    """True when an SMTP error is permanent (5xx for this recipient or message), False when worth retrying."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return False  # our own sender address: a configuration matter, retried
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return isinstance(exc, PermanentFailure)


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


def _send(backend, email):
    """Send one email over the open connection: as prepared bytes straight to the SMTP server when the backend
    is Django's SMTP one (the same message, made faster), through the backend otherwise."""
    backend.open()  # keeps the batch on one connection (a no-op while open; reconnects after a drop)
    if isinstance(backend, SMTPBackend):
        data = raw_message(**{key: email[key] for key in ("source", "campaign", "ambassador", "token")})
        if data is not None:
            backend.connection.sendmail(settings.DEFAULT_FROM_EMAIL, [email["ambassador"].email], data)
            return
    backend.send_messages([build_message(**email)])


def send_batch(kind, claim, ids, *, connection_factory=None):
    """Send the claimed emails in order over one connection. Returns counts by outcome."""
    model, _owner, related = KINDS[kind]
    outcome = {"sent": 0, "retry": 0, "failed": 0}
    if not ids:
        return outcome
    interval = settings.SEND_PARALLEL / settings.SEND_RATE_PER_SECOND if settings.SEND_RATE_PER_SECOND else 0
    heartbeat = max(1.0, settings.SEND_LEASE_SECONDS / 4)
    backend = (connection_factory or mail.get_connection)()
    last_beat = last_send = time.monotonic()
    items = (
        model.objects.filter(id__in=ids, claim=claim, status=Status.SENDING).select_related(*related()).order_by("id")
    )
    try:
        for item in items.iterator(chunk_size=500):
            if interval:
                time.sleep(max(0.0, last_send + interval - time.monotonic()))
            last_send = time.monotonic()
            if last_send - last_beat > heartbeat:
                model.objects.filter(claim=claim, status=Status.SENDING).update(claimed_at=timezone.now())
                last_beat = last_send
            try:
                _send(backend, _email_of(kind, item))
            except Exception as exc:  # noqa: BLE001 - every failure is recorded on the email, never lost
                outcome[_failure(model, kind, item, claim, exc, backend)] += 1
            else:
                _record_sent(model, item.pk, claim)
                outcome["sent"] += 1
    finally:
        connection_close(backend)
    return outcome


def _failure(model, kind, item, claim, exc, backend):
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:300]
    attempts = item.attempts + 1
    if classify(exc) or attempts >= settings.SEND_MAX_ATTEMPTS:
        _record(model, item.pk, claim, status=Status.FAILED, failed_at=now, attempts=attempts, last_error=error)
        log.warning("email failed", extra={"kind": kind, "id": item.pk, "error": error})
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


def send_emails(kind, object_id, *, max_seconds=None):
    """A sender task: claim and send batches until nothing is due or the time budget is spent (then it queues
    itself again). Returns counts by outcome."""
    deadline = time.monotonic() + (max_seconds or settings.SEND_TASK_SECONDS)
    total = {"sent": 0, "retry": 0, "failed": 0}
    interruptions = 0
    while time.monotonic() < deadline:
        claim, ids = claim_batch(kind, object_id)
        if not ids:
            return total
        started = time.monotonic()
        try:
            outcome = send_batch(kind, claim, ids)
        except (InterfaceError, OperationalError) as exc:
            # The connection dropped (a failover, a restarted pooler): take a fresh one and put the rest of the
            # batch back in the queue at once, rather than leave it to the lease. A third time, or a database
            # still out of reach, raises: the lease takes over.
            interruptions += 1
            if interruptions > 2:
                raise
            _batch_interrupted(kind, object_id, claim, exc)
            continue
        seconds = round(time.monotonic() - started, 3)
        log.info(
            "batch sent",
            extra={"kind": kind, KINDS[kind][1]: object_id, "emails": len(ids), **outcome, "seconds": seconds},
        )
        for key, value in outcome.items():
            total[key] += value
    senders_enqueue(kind, object_id, count=1)
    return total


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
    """(kind, object id) of live campaigns and reminders with due emails and no sender at work on them."""
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
        work += [(kind, object_id) for object_id in sorted(due - busy)]
    return work
