"""The sending window: by default 08:00 to 20:00 Paris time on weekdays; a campaign may set its own hours and
weekends. Outside it, emails wait in the queue and the tick starts the senders again once it opens."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from campaigns.models import Campaign, Invitation
from campaigns.sending import clock, senders
from campaigns.sending.launch import campaign_launch
from campaigns.sending.viewsets import CampaignViewSet
from campaigns.sending.window import sending_allowed
from config.env import env_rates, env_window
from tests.campaigns.factories import campaign, region_segment

pytestmark = pytest.mark.django_db
Status = Invitation.Status
PARIS = ZoneInfo("Europe/Paris")
TUESDAY_7H59 = datetime(2026, 12, 1, 7, 59, tzinfo=PARIS)
TUESDAY_8H = datetime(2026, 12, 1, 8, 0, tzinfo=PARIS)
TUESDAY_19H59 = datetime(2026, 12, 1, 19, 59, tzinfo=PARIS)
TUESDAY_20H = datetime(2026, 12, 1, 20, 0, tzinfo=PARIS)
SATURDAY_10H = datetime(2026, 12, 5, 10, 0, tzinfo=PARIS)
JULY_TUESDAY_8H_IN_UTC = datetime(2026, 7, 7, 6, 0, tzinfo=ZoneInfo("UTC"))  # 08:00 in Paris (summer time)


@pytest.fixture
def site_window(settings):
    settings.SEND_WINDOW, settings.SEND_WEEKENDS = "08:00-20:00", False


def test_the_site_window_is_weekdays_from_8_to_20_paris_time(site_window):
    target = Campaign(title="x")
    assert not sending_allowed(target, now=TUESDAY_7H59)
    assert sending_allowed(target, now=TUESDAY_8H) and sending_allowed(target, now=TUESDAY_19H59)
    assert not sending_allowed(target, now=TUESDAY_20H)
    assert not sending_allowed(target, now=SATURDAY_10H)
    assert sending_allowed(target, now=JULY_TUESDAY_8H_IN_UTC)


def test_a_campaign_sets_its_own_hours_and_weekends(site_window):
    evening = Campaign(send_from=time(18), send_until=time(22), send_weekends=True)
    assert not sending_allowed(evening, now=TUESDAY_8H)
    assert sending_allowed(evening, now=TUESDAY_20H) and sending_allowed(evening, now=SATURDAY_10H.replace(hour=19))
    overnight = Campaign(send_from=time(22), send_until=time(6))
    assert sending_allowed(overnight, now=TUESDAY_8H.replace(hour=23))
    assert sending_allowed(overnight, now=TUESDAY_8H.replace(hour=5))
    assert not sending_allowed(overnight, now=TUESDAY_8H)
    all_day = Campaign(send_from=time(0), send_until=time(0), send_weekends=True)
    assert all(sending_allowed(all_day, now=moment) for moment in (TUESDAY_7H59, TUESDAY_20H, SATURDAY_10H))
    weekends_only_changed = Campaign(send_weekends=True)
    assert sending_allowed(weekends_only_changed, now=SATURDAY_10H)
    assert not sending_allowed(weekends_only_changed, now=SATURDAY_10H.replace(hour=21))


def test_outside_the_window_emails_wait_and_the_tick_resumes_them(
    site_window, audience, smtp_server, django_capture_on_commit_callbacks
):
    hour = timezone.localtime(timezone.now(), PARIS).hour
    later = {"send_from": time((hour + 2) % 24), "send_until": time((hour + 3) % 24)}
    target = campaign(segments=[region_segment()], send_weekends=True, **later)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(target)
    invitations = Invitation.objects.filter(campaign=target)
    assert set(invitations.values_list("status", flat=True)) == {Status.QUEUED}
    assert smtp_server.messages == []
    assert senders.pending_work() == []  # the tick starts no sender outside the window

    now_open = {"send_from": time((hour + 23) % 24), "send_until": time((hour + 1) % 24)}
    Campaign.objects.filter(pk=target.pk).update(**now_open)
    clock.tick()
    assert set(invitations.values_list("status", flat=True)) == {Status.SENT}
    assert len(smtp_server.messages) == 2


def test_the_window_and_the_domain_rates_read_from_the_environment_fail_loudly(monkeypatch):
    monkeypatch.setenv("SEND_WINDOW", "8h-20h")
    with pytest.raises(ImproperlyConfigured, match="SEND_WINDOW"):
        env_window("SEND_WINDOW", "08:00-20:00")
    monkeypatch.setenv("SEND_WINDOW", "07:30-24:00")
    assert env_window("SEND_WINDOW", "08:00-20:00") == "07:30-24:00"
    monkeypatch.setenv("SEND_DOMAIN_RATES", "Orange.fr=5, free.fr=3")
    assert env_rates("SEND_DOMAIN_RATES", {}) == {"orange.fr": 5, "free.fr": 3}
    monkeypatch.setenv("SEND_DOMAIN_RATES", "orange.fr:5")
    with pytest.raises(ImproperlyConfigured, match="SEND_DOMAIN_RATES"):
        env_rates("SEND_DOMAIN_RATES", {})


def _form_data(target, **fields):
    data = {
        "title": target.title,
        "slug": target.slug,
        "kind": target.kind,
        "subject_fr": target.subject_fr,
        "body_fr": target.body_fr,
        "reminders-TOTAL_FORMS": "0",
        "reminders-INITIAL_FORMS": "0",
        "reminders-MIN_NUM_FORMS": "0",
        "reminders-MAX_NUM_FORMS": "1000",
        "subject_variants-TOTAL_FORMS": "0",
        "subject_variants-INITIAL_FORMS": "0",
        "subject_variants-MIN_NUM_FORMS": "0",
        "subject_variants-MAX_NUM_FORMS": "1000",
        "ab_metric": target.ab_metric,
        "ab_sample_percent": target.ab_sample_percent,
        "ab_decide_after": target.ab_decide_after,
    }
    return {**data, **fields}


def test_the_campaign_form_sets_the_window_with_both_ends(client_for, product_user):
    target = campaign(segments=[region_segment()])
    page = client_for(product_user).get(reverse("wagtailsnippets_campaigns_campaign:edit", args=[target.pk]))
    assert escape("Fenêtre d'envoi") in page.content.decode()
    assert {"send_from", "send_until", "send_weekends"} <= set(page.context["form"].fields)
    form_class = CampaignViewSet(model=Campaign).get_edit_handler().get_form_class()
    half = form_class(_form_data(target, send_from="09:00"), instance=target, for_user=product_user)
    assert not half.is_valid() and "send_until" in half.errors
    both = form_class(
        _form_data(target, send_from="09:00", send_until="18:00", send_weekends="true"),
        instance=target,
        for_user=product_user,
    )
    assert both.is_valid(), both.errors
    both.save()
    target.refresh_from_db()
    assert (target.send_from, target.send_until, target.send_weekends) == (time(9), time(18), True)


def test_the_follow_up_page_says_the_emails_wait_for_the_window(site_window, audience, client_for, product_user):
    hour = timezone.localtime(timezone.now(), PARIS).hour
    target = campaign(segments=[region_segment()], send_from=time((hour + 2) % 24), send_until=time((hour + 3) % 24))
    campaign_launch(target)
    page = client_for(product_user).get(reverse("campaign_actions:overview", args=[target.pk])).content.decode()
    assert "data-window-closed" in page
    assert f"de {(hour + 2) % 24:02}:00 à {(hour + 3) % 24:02}:00, en semaine" in page
    Campaign.objects.filter(pk=target.pk).update(send_from=time(0), send_until=time(0), send_weekends=True)
    page = client_for(product_user).get(reverse("campaign_actions:overview", args=[target.pk])).content.decode()
    assert "data-window-closed" not in page
