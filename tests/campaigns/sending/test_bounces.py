from datetime import timedelta

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import Ambassador, Invitation
from campaigns.sending.bounces import addresses_in, bounce_record
from campaigns.sending.launch import campaign_launch
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db
Status = Invitation.Status

DSN = """Reporting-MTA: dns; mx.banque.example
Arrival-Date: Sun, 29 Nov 2026 10:00:00 +0100

Final-Recipient: rfc822; Hugo@Exemple.fr
Action: failed
Status: 5.1.1
"""


@pytest.fixture
def sent():
    for name in ("lea", "hugo", "zoe"):
        ambassador(f"{name}@exemple.fr", region="bre")
    target = campaign(segments=[region_segment()])
    campaign_launch(target)
    Invitation.objects.update(status=Status.SENT, sent_at=timezone.now() - timedelta(hours=1))
    return target


def test_bounce_file_lines_are_read_as_addresses_or_dsn_fields():
    lines = ["# bounces of Monday", "lea@exemple.fr", "<zoe@exemple.fr>", "", *DSN.splitlines(), "pas une adresse"]
    assert list(addresses_in(lines)) == [
        (2, "lea@exemple.fr"),
        (3, "zoe@exemple.fr"),
        (8, "hugo@exemple.fr"),
        (11, None),
    ]


def test_record_bounces_marks_invitations_and_addresses_and_reports_the_rest(sent, tmp_path, capsys):
    path = tmp_path / "bounces.txt"
    path.write_text("lea@exemple.fr\ninconnu@exemple.fr\n???\n" + DSN, encoding="utf-8")
    call_command("record_bounces", str(path))
    out, err = capsys.readouterr()
    assert "2 adresses marquées comme rejetées." in out
    assert "inconnu@exemple.fr : aucun ambassadeur" in err and "ligne 3 :" in err
    bounced = Invitation.objects.filter(status=Status.BOUNCED)
    assert sorted(bounced.values_list("ambassador__email", flat=True)) == ["hugo@exemple.fr", "lea@exemple.fr"]
    assert all(i.bounced_at for i in bounced)
    assert Ambassador.objects.filter(email_bounced_at__isnull=False).count() == 2


def test_bounced_address_is_not_invited_again(sent):
    bounce_record(email="lea@exemple.fr")
    assert campaign_launch(campaign(slug="suite", segments=[region_segment("Encore")])) == 2


def test_esp_webhook_events_feed_the_same_functions(sent):
    hugo, lea, zoe = Invitation.objects.order_by("ambassador__email").select_related("ambassador")
    now = timezone.now()
    for event_type, invitation in [("delivered", lea), ("bounced", hugo), ("complained", zoe)]:
        event = AnymailTrackingEvent(
            event_type=event_type,
            timestamp=now,
            recipient=invitation.ambassador.email,
            metadata={"invitation": str(invitation.pk)},
        )
        tracking.send(sender=object, event=event, esp_name="Test")
    lea.refresh_from_db()
    hugo.refresh_from_db()
    assert lea.status == Status.DELIVERED and lea.delivered_at == now
    assert hugo.status == Status.BOUNCED
    assert Ambassador.objects.get(email="hugo@exemple.fr").email_bounced_at == now
    assert Ambassador.objects.get(email="zoe@exemple.fr").opted_out_at == now
