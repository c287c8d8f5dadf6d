"""Refusals at send time, from a real SMTP server on loopback answering each class of enhanced status code: a dead
address (5.1.x) is marked bounced and never emailed again, a policy refusal (5.7.x) fails the email only, soft
bounces (4.x.x) are counted and pause the address after ``SEND_SOFT_BOUNCE_LIMIT`` in a row."""

import smtplib

import pytest
from django.utils import timezone

from campaigns.audience.segments import contactable_ambassadors
from campaigns.models import Ambassador, Invitation
from campaigns.sending import senders
from campaigns.sending.launch import campaign_launch
from campaigns.sending.refusals import Refusal, refusal_of
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db
Status = Invitation.Status


@pytest.mark.parametrize(
    "exc, refusal",
    [
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (550, b"5.1.1 <a@x.fr>: Recipient address rejected")}), "address"),
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (550, b"5.1.10 Recipient address has null MX")}), "address"),
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (553, b"5.1.8 Bad sender's system address")}), "permanent"),
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (554, b"5.7.1 Service unavailable; blocked using RBL")}), "policy"),
        (smtplib.SMTPDataError(550, b"5.7.1 Message rejected as spam"), "policy"),
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (550, b"Mailbox unavailable")}), "permanent"),
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (552, b"5.2.2 Mailbox full")}), "permanent"),
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (452, b"4.2.2 Mailbox full")}), "soft"),
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (450, b"4.2.0 Greylisted, try again later")}), "soft"),
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (421, b"4.7.0 Too many connections")}), "transient"),
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (450, b"4.7.1 Rate limited, try later")}), "transient"),
        (smtplib.SMTPSenderRefused(550, b"5.1.0 Sender rejected", "nous@banque.example"), "transient"),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), "transient"),
        (ConnectionRefusedError(111, "Connection refused"), "transient"),
        (smtplib.SMTPRecipientsRefused({"a@x.fr": (550, b"4.1.1 a code of the wrong class")}), "permanent"),
    ],
)
def test_each_refusal_is_read_from_its_enhanced_status_code(exc, refusal):
    assert refusal_of(exc) == Refusal(refusal)


@pytest.fixture
def people():
    return {
        "lea": ambassador("lea@exemple.fr", region="bre"),
        "john": ambassador("john@exemple.fr", region="bre"),
    }


def _launch(django_capture_on_commit_callbacks, slug="banque-mobile"):
    target = campaign(slug=slug, segments=[region_segment(name=f"Bretons {slug}")])
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(target)
    return target


def _send_again(target):
    """The retry is due now: send what is due (as the tick would)."""
    Invitation.objects.filter(campaign=target, status=Status.QUEUED).update(next_attempt_at=timezone.now())
    return senders.send_emails("invitations", target.pk)


def test_a_dead_address_is_marked_bounced_and_never_emailed_again(
    people, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.reply = lambda rcpt, attempt: "550 5.1.1 <lea@exemple.fr>: No such user" if "lea" in rcpt else None
    first = _launch(django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(campaign=first, ambassador=people["lea"])
    assert (invitation.status, invitation.attempts) == (Status.FAILED, 1)
    lea = Ambassador.objects.get(pk=people["lea"].pk)
    assert lea.email_bounced_at is not None and lea not in contactable_ambassadors()
    assert Ambassador.objects.get(pk=people["john"].pk).email_bounced_at is None
    second = _launch(django_capture_on_commit_callbacks, slug="epargne")
    assert not Invitation.objects.filter(campaign=second, ambassador=lea).exists()
    assert smtp_server.attempts["lea@exemple.fr"] == 1


def test_a_policy_refusal_fails_the_email_but_keeps_the_address(
    people, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.reply = lambda rcpt, attempt: "554 5.7.1 Message refused by policy" if "lea" in rcpt else None
    target = _launch(django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(campaign=target, ambassador=people["lea"])
    assert invitation.status == Status.FAILED and "5.7.1" in invitation.last_error
    lea = Ambassador.objects.get(pk=people["lea"].pk)
    assert (lea.email_bounced_at, lea.email_paused_at, lea.soft_bounce_count) == (None, None, 0)
    assert lea in contactable_ambassadors()


def test_soft_bounces_in_a_row_pause_the_address(people, smtp_server, settings, django_capture_on_commit_callbacks):
    settings.SEND_SOFT_BOUNCE_LIMIT, settings.SEND_MAX_ATTEMPTS = 3, 10
    smtp_server.reply = lambda rcpt, attempt: "452 4.2.2 Mailbox full" if "lea" in rcpt else None
    target = _launch(django_capture_on_commit_callbacks)
    invitation = Invitation.objects.filter(campaign=target, ambassador=people["lea"])
    assert invitation.get().status == Status.QUEUED
    assert Ambassador.objects.get(pk=people["lea"].pk).soft_bounce_count == 1
    _send_again(target)
    assert invitation.get().status == Status.QUEUED
    assert Ambassador.objects.get(pk=people["lea"].pk).email_paused_at is None
    _send_again(target)
    lea = Ambassador.objects.get(pk=people["lea"].pk)
    assert (lea.soft_bounce_count, invitation.get().status, invitation.get().attempts) == (3, Status.FAILED, 3)
    assert lea.email_paused_at is not None and lea.email_bounced_at is None
    assert lea not in contactable_ambassadors()
    assert smtp_server.attempts["lea@exemple.fr"] == 3
    assert Ambassador.objects.get(pk=people["john"].pk).soft_bounce_count == 0


def test_an_accepted_email_resets_the_soft_bounces(people, smtp_server, settings, django_capture_on_commit_callbacks):
    settings.SEND_SOFT_BOUNCE_LIMIT = 3
    smtp_server.reply = lambda rcpt, attempt: "450 4.2.0 Greylisted" if "lea" in rcpt and attempt <= 2 else None
    target = _launch(django_capture_on_commit_callbacks)
    _send_again(target)
    assert Ambassador.objects.get(pk=people["lea"].pk).soft_bounce_count == 2
    _send_again(target)
    lea = Ambassador.objects.get(pk=people["lea"].pk)
    assert (lea.soft_bounce_count, lea.email_paused_at) == (0, None)
    assert Invitation.objects.get(campaign=target, ambassador=lea).status == Status.SENT
    assert len(smtp_server.to("lea@exemple.fr")) == 1


def test_the_receiving_server_throttling_us_says_nothing_about_the_address(
    people, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.SEND_SOFT_BOUNCE_LIMIT = 1
    smtp_server.reply = lambda rcpt, attempt: "450 4.7.0 Too many messages, slow down" if attempt == 1 else None
    target = _launch(django_capture_on_commit_callbacks)
    assert set(Invitation.objects.filter(campaign=target).values_list("status", flat=True)) == {Status.QUEUED}
    assert set(Ambassador.objects.values_list("soft_bounce_count", "email_paused_at")) == {(0, None)}
    _send_again(target)
    assert set(Invitation.objects.filter(campaign=target).values_list("status", flat=True)) == {Status.SENT}


def test_a_queued_email_to_an_address_bounced_since_the_launch_is_not_sent(
    people, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.reply = lambda rcpt, attempt: "451 4.3.0 Try again later" if attempt == 1 else None
    target = _launch(django_capture_on_commit_callbacks)
    Ambassador.objects.filter(pk=people["lea"].pk).update(email_bounced_at=timezone.now())
    Ambassador.objects.filter(pk=people["john"].pk).update(email_paused_at=timezone.now())
    outcome = _send_again(target)
    assert (outcome["skipped"], outcome["sent"]) == (2, 0)
    assert set(Invitation.objects.filter(campaign=target).values_list("status", flat=True)) == {Status.SKIPPED}
    assert smtp_server.messages == []
