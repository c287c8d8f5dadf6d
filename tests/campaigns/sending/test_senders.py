"""Senders: emails over one SMTP connection, retries with backoff, permanent failures, dead senders' claims."""

import smtplib
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from campaigns.models import Invitation
from campaigns.sending import senders
from campaigns.sending.launch import campaign_launch
from campaigns.sending.senders import claim_batch, release_stale_claims, send_batch
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db
Status = Invitation.Status


def test_invitation_email_arrives_with_headers_both_parts_link_pixel_and_unsubscribe(live, smtp_server):
    invitation = Invitation.objects.get(ambassador__email="lea@exemple.fr")
    assert invitation.status == Status.SENT and invitation.sent_at is not None
    [message] = smtp_server.to("lea@exemple.fr")
    assert message["Subject"] == "Léa, votre avis sur La banque mobile de demain"
    assert message["Message-ID"] and message["Date"] and "ambassadeurs@" in message["From"]
    assert message["Reply-To"] == "equipe.produit@banque.example"
    link = f"http://localhost:8000/i/{invitation.token}/"
    assert message["List-Unsubscribe"].strip() == f"<http://localhost:8000/u/{invitation.token}/>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Bonjour Léa," in text and link in text and f"/u/{invitation.token}/" in text
    assert f'href="{link}"' in html and f'src="http://localhost:8000/t/o/{invitation.token}.gif"' in html
    assert f"/u/{invitation.token}/" in html
    assert "gone@exemple.fr" not in [rcpt for rcpt, _m in smtp_server.messages]


def test_a_batch_goes_over_one_smtp_connection(live, smtp_server):
    assert len(smtp_server.messages) == 2 and smtp_server.connections == 1


def test_english_ambassador_gets_the_english_email(live, smtp_server):
    [message] = smtp_server.to("john@example.com")
    assert message["Subject"] == "John, your opinion on La banque mobile de demain"
    assert "Tell us what you think" in message.get_body(("plain",)).get_content()


def test_staff_text_is_escaped_in_the_html_part(audience, smtp_server, django_capture_on_commit_callbacks):
    target = campaign(segments=[region_segment()], title="<script>x()</script>", body_fr="<b>Bonjour</b> {lien}")
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(target)
    html = smtp_server.to("lea@exemple.fr")[0].get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;b&gt;Bonjour&lt;/b&gt;" in html


def test_temporary_failure_is_retried_later_and_permanent_failure_is_not(
    audience, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.reply = lambda rcpt, attempt: (
        "450 4.2.1 Mailbox busy"
        if rcpt == "lea@exemple.fr" and attempt == 1
        else "550 5.1.1 No such user"
        if rcpt == "john@example.com"
        else None
    )
    target = campaign(segments=[region_segment()])
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(target)
    lea = Invitation.objects.get(ambassador__email="lea@exemple.fr")
    john = Invitation.objects.get(ambassador__email="john@example.com")
    assert (lea.status, lea.attempts) == (Status.QUEUED, 1) and lea.next_attempt_at > timezone.now()
    assert "450" in lea.last_error
    assert (john.status, john.attempts) == (Status.FAILED, 1) and "550" in john.last_error
    Invitation.objects.filter(pk=lea.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    senders.send_emails("invitations", target.pk)
    lea.refresh_from_db()
    assert lea.status == Status.SENT and lea.attempts == 2
    assert smtp_server.attempts["john@example.com"] == 1
    assert len(smtp_server.to("lea@exemple.fr")) == 1


def test_retries_stop_after_the_maximum_attempts(audience, smtp_server, settings):
    settings.SEND_MAX_ATTEMPTS = 2
    smtp_server.reply = lambda rcpt, attempt: "421 4.7.0 Try again later"
    target = campaign(segments=[region_segment()])
    campaign_launch(target)
    for _round in range(2):
        Invitation.objects.update(next_attempt_at=None)
        senders.send_emails("invitations", target.pk)
    assert set(Invitation.objects.values_list("status", "attempts")) == {(Status.FAILED, 2)}


def test_dropped_connection_is_retried_on_a_new_connection(audience, smtp_server):
    target = campaign(segments=[region_segment()])
    campaign_launch(target)
    claim, ids = claim_batch("invitations", target.pk)

    class Flaky:
        """The first connection drops on the first message."""

        calls = 0

        def __init__(self):
            from django.core.mail import get_connection

            self.inner = get_connection()

        def open(self):
            return self.inner.open()

        def send_messages(self, messages):
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            return self.inner.send_messages(messages)

        def close(self):
            self.inner.close()

    outcome = send_batch("invitations", claim, ids, connection_factory=Flaky)
    assert outcome == {"sent": 1, "retry": 1, "failed": 0, "deferred": 0, "skipped": 0}
    Invitation.objects.update(next_attempt_at=None)
    senders.send_emails("invitations", target.pk)
    assert set(Invitation.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_dead_senders_claim_is_released_and_only_its_first_email_counts_as_a_possible_duplicate(audience, settings):
    target = campaign(segments=[region_segment()])
    campaign_launch(target)
    _claim, ids = claim_batch("invitations", target.pk)
    assert len(ids) == 2
    later = timezone.now() + timedelta(seconds=settings.SEND_LEASE_SECONDS + 1)
    assert release_stale_claims(now=timezone.now()) == 0  # still fresh
    assert release_stale_claims(now=later) == 2
    first, second = Invitation.objects.order_by("id")
    assert (first.status, first.possible_duplicates, first.claim) == (Status.QUEUED, 1, "")
    assert (second.status, second.possible_duplicates) == (Status.QUEUED, 0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sender_whose_database_connection_drops_puts_its_batch_back_and_carries_on(smtp_server, settings, caplog):
    """The connection ends while the SMTP server defers a message (a failover, say): recording the deferral
    fails; the sender takes a fresh connection, puts the rest of its batch back in the queue (the message in hand
    counted as a possible duplicate) and sends it in the same task, without waiting for the lease."""
    if connection.vendor != "postgresql":
        pytest.skip("ending a connection from the server side needs PostgreSQL's pg_terminate_backend")
    import psycopg

    settings.SEND_BATCH_SIZE, settings.SEND_PARALLEL = 10, 1
    for number in range(25):
        ambassador(f"ambassadeur{number:02}@exemple.fr", region="bre")
    db = connection.settings_dict

    def drop_then_defer(rcpt, attempt):
        if rcpt == "ambassadeur15@exemple.fr" and attempt == 1:  # the sender's connection: every other one
            with psycopg.connect(
                host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"], autocommit=True
            ) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            return "451 4.3.0 Try again later"
        return None

    smtp_server.reply = drop_then_defer
    target = campaign(segments=[region_segment()])
    assert campaign_launch(target) == 25  # on commit, the sender runs here (tasks run at once in tests)

    invitations = Invitation.objects.filter(campaign=target)
    assert set(invitations.values_list("status", flat=True)) == {Status.SENT}
    assert sorted(rcpt for rcpt, _message in smtp_server.messages) == [
        f"ambassadeur{n:02}@exemple.fr" for n in range(25)
    ]
    assert dict(
        invitations.filter(possible_duplicates__gt=0).values_list("ambassador__email", "possible_duplicates")
    ) == {"ambassadeur15@exemple.fr": 1}
    [interrupted] = [record for record in caplog.records if record.getMessage() == "batch interrupted"]
    assert interrupted.released == 5 and "terminat" in interrupted.error
