"""What an SMTP server's refusal at send time says about the address, read from its enhanced status code
(RFC 3463, ``class.subject.detail``; registry: IANA "SMTP Enhanced Status Codes"):

- ``5.1.x`` (addressing: no such mailbox, bad domain...) — the address is dead: the ambassador's address is
  marked bounced, as a bounce notice does (never emailed again), and the email fails. ``5.1.7`` and ``5.1.8``
  name the sender's address (ours), not the recipient's, and only fail the email.
- ``5.7.x`` (security or policy: spam filter, blocked sender) — the message or the sender was refused, not the
  address: the email fails, the address stays.
- another ``5.x.x``, or a 5xx reply without an enhanced code — the email fails, the address stays.
- ``4.x.x`` for the recipient (mailbox full, greylisting...) — a soft bounce: the email is retried with backoff,
  and the ambassador's ``soft_bounce_count`` goes up; after ``SEND_SOFT_BOUNCE_LIMIT`` in a row the address is
  paused (``email_paused_at``: out of every audience). An email accepted sets the count back to zero. ``4.7.x``
  (the receiving server throttling us) and ``421`` (the server closing the connection) say nothing about the
  address: retried, not counted.
- a dropped connection, a timeout, our own sender address refused: retried, not counted.
"""

import re
import smtplib
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import F

from campaigns.models import Ambassador

ENHANCED = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})(?!\d)")
SENDER_ADDRESS = {"5.1.7", "5.1.8"}


class Refusal(StrEnum):
    ADDRESS = "address"  # permanent, the address is dead
    POLICY = "policy"  # permanent, the message or the sender refused
    PERMANENT = "permanent"  # permanent, nothing said about the address
    SOFT = "soft"  # temporary, about the recipient's mailbox
    TRANSIENT = "transient"  # temporary, nothing to do with the address

    @property
    def permanent(self):
        return self in (Refusal.ADDRESS, Refusal.POLICY, Refusal.PERMANENT)


class PermanentFailure(Exception):
    pass


def _reply(exc):
    """(basic code, text) of the server's reply in an smtplib error, or None; a refused recipient's reply."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = list(exc.recipients.values())
        return replies[0] if replies else None
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code, exc.smtp_error
    return None


def refusal_of(exc):
    """The ``Refusal`` an exception raised while sending one email stands for."""
    if isinstance(exc, PermanentFailure):
        return Refusal.PERMANENT
    reply = _reply(exc)
    if reply is None or isinstance(exc, smtplib.SMTPSenderRefused):
        return Refusal.TRANSIENT  # no answer about the recipient, or our own address: a configuration matter
    code, text = reply
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    match = ENHANCED.match(text)
    enhanced = ".".join(match.groups()) if match and match.group(1) == str(code)[0] else ""
    if code >= 500:
        if enhanced.startswith("5.1.") and enhanced not in SENDER_ADDRESS:
            return Refusal.ADDRESS
        return Refusal.POLICY if enhanced.startswith("5.7.") else Refusal.PERMANENT
    if 400 <= code < 500 and code != 421 and not enhanced.startswith("4.7."):
        return Refusal.SOFT
    return Refusal.TRANSIENT


def address_bounced(ambassador_id, *, when):
    """The address of this ambassador is dead (a 5.1.x at send time): never emailed again."""
    return Ambassador.objects.filter(pk=ambassador_id, email_bounced_at__isnull=True).update(email_bounced_at=when)


def soft_bounce_record(ambassador_id, *, when):
    """One more temporary refusal in a row for this address; pauses it at ``SEND_SOFT_BOUNCE_LIMIT``. Returns
    True when the address is (now) paused."""
    limit = settings.SEND_SOFT_BOUNCE_LIMIT  # 0: never paused
    with transaction.atomic():
        Ambassador.objects.filter(pk=ambassador_id).update(soft_bounce_count=F("soft_bounce_count") + 1)
        if limit <= 0:
            return False
        paused = Ambassador.objects.filter(pk=ambassador_id, soft_bounce_count__gte=limit)
        paused.filter(email_paused_at__isnull=True).update(email_paused_at=when)
        return paused.exists()


def soft_bounces_reset(ambassador_id):
    """An email to this address was accepted: its temporary refusals no longer run in a row."""
    return Ambassador.objects.filter(pk=ambassador_id, soft_bounce_count__gt=0).update(soft_bounce_count=0)
