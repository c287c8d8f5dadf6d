"""Bounces: an address the mail system rejected. A permanent bounce marks the ambassador's address as
bouncing (never emailed again) and the invitations sent to it as bounced. The bounce file command and the ESP
webhooks (django-anymail) feed the same function."""

import logging
import re
from functools import wraps

from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseBadRequest
from django.utils import timezone

from campaigns.audience.opt_out import ambassadors_opt_out
from campaigns.models import Ambassador, Invitation

Status = Invitation.Status
HEADER = re.compile(r"^[A-Za-z][A-Za-z-]*:\s")
log = logging.getLogger("campaigns.sending")
MAX_ID = 2**63 - 1  # a bigint
DSN_FIELD = re.compile(r"^(?:Final|Original)-Recipient:\s*(?:rfc822;)?\s*<?([^>\s]+)>?\s*$", re.IGNORECASE)


def bounce_record(*, email=None, invitation_id=None, when=None):
    """Record a permanent bounce by address or by invitation. Returns the number of invitations marked."""
    when = when or timezone.now()
    with transaction.atomic():
        if invitation_id is not None:
            ambassador_ids = list(Invitation.objects.filter(pk=invitation_id).values_list("ambassador_id", flat=True))
        else:
            ambassador_ids = list(
                Ambassador.objects.filter(email=(email or "").strip().lower()).values_list("id", flat=True)
            )
        if not ambassador_ids:
            return 0
        Ambassador.objects.filter(id__in=ambassador_ids, email_bounced_at__isnull=True).update(email_bounced_at=when)
        invitations = Invitation.objects.filter(
            ambassador_id__in=ambassador_ids, status__in=[Status.SENT, Status.DELIVERED]
        )
        if invitation_id is not None:
            invitations = invitations.filter(pk=invitation_id)
        marked = invitations.update(status=Status.BOUNCED, bounced_at=when)
    log.info(
        "bounce recorded", extra={"ambassadors": ambassador_ids, "invitation": invitation_id, "invitations": marked}
    )
    return marked


def delivered_record(invitation_id, *, when=None):
    """The provider says the email reached the mailbox (state moves forward only: sent -> delivered)."""
    return Invitation.objects.filter(pk=invitation_id, status=Status.SENT).update(
        status=Status.DELIVERED, delivered_at=when or timezone.now()
    )


def addresses_in(lines):
    """Yield (line number, address or None) for each meaningful line of a bounce file: one address per line, or
    the Final-Recipient/Original-Recipient fields of delivery status notifications (their other header lines
    are skipped). A line that is neither gives None, so that it can be reported."""
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = DSN_FIELD.match(line)
        if not match and HEADER.match(line):
            continue
        address = (match.group(1) if match else line).strip("<>").lower()
        try:
            validate_email(address)
        except ValidationError:
            address = None
        yield number, address


def bounces_record_file(lines, *, when=None):
    """Record every address of a bounce file.

    Returns {"bounced": count, "unknown": [addresses], "unreadable": [line numbers]}."""
    result = {"bounced": 0, "unknown": [], "unreadable": []}
    seen = set()
    for number, address in addresses_in(lines):
        if address is None:
            result["unreadable"].append(number)
            continue
        if address in seen:
            continue
        seen.add(address)
        if not Ambassador.objects.filter(email=address).exists():
            result["unknown"].append(address)
            continue
        bounce_record(email=address, when=when)
        result["bounced"] += 1
    log.info(
        "bounce file recorded",
        extra={
            "bounced": result["bounced"],
            "unknown": len(result["unknown"]),
            "unreadable": len(result["unreadable"]),
        },
    )
    return result


class MalformedEvent(SuspiciousOperation):
    """An ESP event that passed the webhook's credentials but cannot be read: answered 400, logged, nothing kept."""


def invitation_id_of(metadata):
    """The invitation id an event's metadata carries (None when it carries none); MalformedEvent when it is not
    a positive integer the column can hold."""
    if not isinstance(metadata, dict):
        raise MalformedEvent("metadata is not an object")
    value = metadata.get("invitation")
    if value in (None, ""):
        return None
    text = str(value)
    if isinstance(value, bool) or not text.isascii() or not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise MalformedEvent("invitation is not a positive integer")
    return int(text)


def esp_event_record(event):
    """Feed a django-anymail tracking event to the functions above; MalformedEvent when it cannot be read."""
    invitation_id = invitation_id_of(getattr(event, "metadata", None) or {})
    recipient = event.recipient
    if recipient is not None and not isinstance(recipient, str):
        raise MalformedEvent("recipient is not a string")
    if event.event_type in ("bounced", "rejected"):
        bounce_record(invitation_id=invitation_id, email=None if invitation_id else recipient, when=event.timestamp)
    elif event.event_type == "delivered" and invitation_id:
        delivered_record(invitation_id, when=event.timestamp)
    elif event.event_type in ("complained", "unsubscribed"):
        ids = Ambassador.objects.filter(Q(email=(recipient or "").lower()) | Q(invitations__pk=invitation_id or 0))
        ambassadors_opt_out(ids.values_list("id", flat=True), when=event.timestamp)


def esp_webhook(view):
    """Wrap an ESP's tracking webhook view: its events are recorded all or nothing, and a body or an event that
    cannot be read (not JSON, not the ESP's shape, a malformed invitation id) answers 400 and is logged, where
    it answered 500 (which the ESP retries forever)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            with transaction.atomic():
                return view(request, *args, **kwargs)
        except (MalformedEvent, ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
            log.warning(
                "malformed ESP event",
                extra={"path": request.path, "error": type(error).__name__, "detail": str(error)[:200]},
            )
            return HttpResponseBadRequest()

    return wrapped
