"""Bounces: an address the mail system rejected. A permanent bounce marks the ambassador's address as
bouncing (never emailed again) and the invitations sent to it as bounced. The bounce file command and the ESP
webhooks (django-anymail) feed the same function."""

import logging
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.audience.opt_out import ambassadors_opt_out
from campaigns.models import Ambassador, Invitation

Status = Invitation.Status
HEADER = re.compile(r"^[A-Za-z][A-Za-z-]*:\s")
log = logging.getLogger("campaigns.sending")
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


def esp_event_record(event):
    """Feed a django-anymail tracking event to the functions above."""
    metadata = getattr(event, "metadata", None) or {}
    invitation_id = metadata.get("invitation")
    if event.event_type in ("bounced", "rejected"):
        bounce_record(
            invitation_id=int(invitation_id) if invitation_id else None,
            email=None if invitation_id else event.recipient,
            when=event.timestamp,
        )
    elif event.event_type == "delivered" and invitation_id:
        delivered_record(int(invitation_id), when=event.timestamp)
    elif event.event_type in ("complained", "unsubscribed"):
        ids = Ambassador.objects.filter(
            Q(email=(event.recipient or "").lower()) | Q(invitations__pk=invitation_id or 0)
        )
        ambassadors_opt_out(ids.values_list("id", flat=True), when=event.timestamp)
