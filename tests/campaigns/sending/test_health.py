"""The health endpoint, and the campaign's follow-up page when no cluster runs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from campaigns.sending.health import TICK
from campaigns.sending.launch import campaign_launch
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db


def test_health_says_which_part_is_down(client, monkeypatch):
    Schedule.objects.filter(name=TICK).update(next_run=timezone.now() + timedelta(seconds=30))
    response = client.get(reverse("campaigns:health"))
    assert response.status_code == 200 and response.json() == {"database": "ok", "broker": "ok", "cluster": "ok"}
    assert "no-cache" in response["Cache-Control"]

    Schedule.objects.filter(name=TICK).update(next_run=timezone.now() - timedelta(minutes=10))  # no cluster ran it
    response = client.get(reverse("campaigns:health"))
    assert response.status_code == 503 and response.json()["cluster"] == "down"

    monkeypatch.setattr("django_q.brokers.orm.ORM.ping", lambda self: (_ for _ in ()).throw(ConnectionError("down")))
    monkeypatch.setattr(
        "django_q.brokers.redis_broker.Redis.ping", lambda self: (_ for _ in ()).throw(ConnectionError("down"))
    )
    assert client.get(reverse("campaigns:health")).json()["broker"] == "down"


def test_follow_up_page_says_sending_waits_for_a_cluster(client_for, product_user, settings, monkeypatch):
    ambassador("lea@exemple.fr", region="bre")
    target = campaign(segments=[region_segment()])
    monkeypatch.setattr("campaigns.sending.senders.senders_enqueue", lambda *args, **kwargs: None)  # nothing sends
    campaign_launch(target)
    overview = reverse("campaign_actions:overview", args=[target.pk])
    Schedule.objects.filter(name=TICK).update(next_run=timezone.now() - timedelta(minutes=10))
    assert "data-stalled" in client_for(product_user).get(overview).content.decode()
    Schedule.objects.filter(name=TICK).update(next_run=timezone.now() + timedelta(seconds=30))
    assert "data-stalled" not in client_for(product_user).get(overview).content.decode()
