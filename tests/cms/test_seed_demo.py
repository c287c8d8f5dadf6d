import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from campaigns.audience.segments import segment_members
from campaigns.models import Ambassador, Campaign, OutboxMessage, Segment
from campaigns.sending.outbox import message_parts
from cms.models import CampaignIndexPage, CampaignPage, HomePage, RoadmapPage

pytestmark = pytest.mark.django_db


def test_demo_data_is_french_realistic_and_idempotent(capsys, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "campaigns.sending.outbox.OutboxEmailBackend"
    hour = timezone.localtime().hour  # the site's sending window is closed now: the demo campaign sends all day
    settings.SEND_WINDOW, settings.SEND_WEEKENDS = f"{(hour + 2) % 24:02}:00-{(hour + 3) % 24:02}:00", False
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--ambassadors", "400")
    assert "400 ambassadeurs ajoutés" in capsys.readouterr().out
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--ambassadors", "400")
    assert "0 ambassadeurs ajoutés" in capsys.readouterr().out
    assert Ambassador.objects.count() == 400
    assert Ambassador.objects.filter(locale="fr").count() > 300
    assert Ambassador.objects.exclude(region="").count() == 400
    assert Segment.objects.count() == 7
    for segment in Segment.objects.all():
        assert segment_members(segment).exists(), segment.name

    demo = Campaign.objects.get(status=Campaign.Status.LIVE)
    panel = segment_members(Segment.objects.get(name="Panel de test")).count()
    assert demo.status == Campaign.Status.LIVE and demo.invitations.count() == panel
    assert OutboxMessage.objects.count() == panel  # the emails wait in the outbox, once
    invitation = demo.invitations.select_related("ambassador").first()
    kept = OutboxMessage.objects.get(to=invitation.ambassador.email)
    assert f"/i/{invitation.token}/" in message_parts(kept)["text"]

    closed = Campaign.objects.get(status=Campaign.Status.CLOSED)  # last season's, written directly: no email
    assert (
        closed.invitations.filter(responded_at__isnull=False).exists()
        and closed.ideas.filter(status="delivered").exists()
    )
    assert demo.ideas.filter(status__in=["planned", "in_progress", "delivered"]).count() == 3
    for page in (HomePage, CampaignIndexPage, RoadmapPage):
        assert set(page.objects.live().values_list("locale__language_code", flat=True)) == {"fr", "en"}
    assert CampaignPage.objects.live().count() == 4  # two campaigns, two languages
    client = Client()
    for url in (
        "/fr/",
        "/en/",
        "/fr/campagnes/",
        "/fr/campagnes/banque-mobile-de-demain/",
        "/fr/campagnes/epargne-vos-priorites/",
        "/fr/feuille-de-route/",
        "/en/roadmap/",
    ):
        assert client.get(url).status_code == 200, url


def test_demo_admin_account_is_created_once_and_its_password_printed(capsys, settings):
    call_command("ensure_admin")
    first = capsys.readouterr().out
    call_command("ensure_admin")
    assert capsys.readouterr().out == first
    password = (settings.VAR_DIR / "admin_password").read_text()
    assert f"mot de passe : {password}" in first
    assert authenticate(username="admin", password=password).is_superuser
