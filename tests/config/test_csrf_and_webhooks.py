"""CSRF everywhere: walking the URL configuration finds no view of ours exempt from the CSRF check but the
one-click unsubscribe (RFC 8058: mail providers post it without a cookie, the token authenticates), and every
form an ambassador posts is refused without its token. The ESP
webhooks, exempt by nature, are mounted only when an ESP sends the email, and only behind their credentials."""

import base64
import importlib
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLResolver, clear_url_caches, get_resolver, reverse

from campaigns.models import Ambassador, Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from ideas.models import AbuseReport, Comment, Contributor, Idea, Vote
from surveys.models import Answer, Response
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.ideas.factories import idea_board
from tests.surveys.factories import budget_survey

pytestmark = pytest.mark.django_db

OURS = ("campaigns.", "surveys.", "ideas.", "cms.", "reports.", "config.")


def views(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from views(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def test_no_view_of_ours_is_exempt_from_csrf_but_the_one_click_unsubscribe():
    exempt = [
        route for route, view in views() if getattr(view, "csrf_exempt", False) and view.__module__.startswith(OURS)
    ]
    assert exempt == ["u/<token:token>/"]
    # Wagtail's admin API is read-only (DRF views: exempt from Django's check, SessionAuthentication makes its own);
    # the REST API (django-ninja) authenticates each call by the key in its Authorization header, never by a cookie,
    # so a forged cross-site request carries no credential (tests/api/test_keys.py).
    others = {view.__module__.split(".")[0] for route, view in views() if getattr(view, "csrf_exempt", False)}
    assert others == {"campaigns", "wagtail", "ninja"}
    api_routes = {route for route, view in views() if view.__module__.startswith("ninja")}
    assert api_routes and all(route.startswith("api/v1/") for route in api_routes)


def test_esp_webhooks_are_not_mounted_without_an_esp(client):
    assert not [route for route, _view in views() if route.startswith("anymail/")]
    assert (
        client.post("/anymail/mailjet/tracking/", "[]", content_type="application/json", follow=True).status_code == 404
    )


@pytest.fixture
def esp_urls(settings):
    """The URL configuration as it is with EMAIL_URL=anymail+mailjet:// and its webhook credentials."""
    import config.urls

    settings.ESP_WEBHOOKS = True
    settings.ANYMAIL = {"WEBHOOK_SECRET": "mailjet:un secret de webhook"}
    clear_url_caches()
    importlib.reload(config.urls)
    yield
    settings.ESP_WEBHOOKS = False
    clear_url_caches()
    importlib.reload(config.urls)


def test_esp_tracking_webhook_needs_its_credentials_and_inbound_mail_is_not_mounted(esp_urls, client):
    lea = ambassador("lea@exemple.fr")
    bounce = json.dumps(
        [
            {
                "event": "bounce",
                "time": 1764400000,
                "MessageID": 1,
                "email": "lea@exemple.fr",
                "hard_bounce": True,
                "error_related_to": "recipient",
                "error": "user unknown",
            }
        ]
    )
    url = "/anymail/mailjet/tracking/"
    assert client.post(url, bounce, content_type="application/json").status_code == 400
    wrong = "Basic " + base64.b64encode(b"mailjet:devine").decode()
    assert client.post(url, bounce, content_type="application/json", HTTP_AUTHORIZATION=wrong).status_code == 400
    lea.refresh_from_db()
    assert lea.email_bounced_at is None  # nothing recorded from a forged event
    right = "Basic " + base64.b64encode(b"mailjet:un secret de webhook").decode()
    assert client.post(url, bounce, content_type="application/json", HTTP_AUTHORIZATION=right).status_code == 200
    assert Ambassador.objects.get(pk=lea.pk).email_bounced_at is not None
    assert (
        client.post(
            "/anymail/mailjet/inbound/", "{}", content_type="application/json", follow=True, HTTP_AUTHORIZATION=right
        ).status_code
        == 404
    )


def test_an_esp_without_webhook_credentials_is_refused_at_start():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "EMAIL_URL": "anymail+mailjet://"},
        timeout=60,
    )
    assert result.returncode != 0 and "needs ANYMAIL_WEBHOOK_SECRET=user:password" in result.stderr


def test_every_form_an_ambassador_posts_is_refused_without_its_csrf_token():
    for number in range(6):
        ambassador(f"ambassadeur{number}@exemple.fr", region="bre")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.BOTH)
    budget_survey(target)
    campaign_launch(target)
    idea_board(target)
    idea = Idea.objects.filter(campaign=target).first()
    client = Client(enforce_csrf_checks=True)
    token = Invitation.objects.filter(campaign=target).order_by("-pk").first().token
    assert client.get(reverse("campaigns:personal_link", args=[token])).status_code == 302
    slug, models = target.slug, (Response, Answer, Idea, Vote, Comment, AbuseReport, Contributor)
    before = [model.objects.count() for model in models]
    posts = {
        reverse("surveys:page", args=[slug, 1]): {"action": "next"},
        reverse("ideas:new", args=[slug]): {"title": "Une idée sans jeton", "body": "…", "confirmed": "True"},
        reverse("ideas:vote", args=[slug, idea.pk]): {"action": "vote"},
        reverse("ideas:comment", args=[slug, idea.pk]): {"body": "Un commentaire sans jeton"},
        reverse("ideas:report", args=[slug, idea.pk]): {"reason": "spam"},
        reverse("ideas:contributions", args=[slug]): {"display_name": "Pirate"},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code == 403 and "CSRF" in response.content.decode(), url
    assert [model.objects.count() for model in models] == before


def mailjet_bounce(payload=None, email="lea@exemple.fr"):
    event = {"event": "bounce", "time": 1764400000, "MessageID": 1, "email": email, "hard_bounce": True}
    if payload is not None:
        event["Payload"] = payload
    return event


MALFORMED = {
    "a non-numeric invitation": [mailjet_bounce(json.dumps({"invitation": "abc"}))],
    "an invitation past the column's range": [mailjet_bounce(json.dumps({"invitation": "9" * 30}))],
    "a negative invitation": [mailjet_bounce(json.dumps({"invitation": -3}))],
    "metadata that is a list": [mailjet_bounce(json.dumps(["invitation", 1]))],
    "an event that is a number": [42],
    "an event without its type": [{"email": "lea@exemple.fr"}],
    "a recipient that is an object": [mailjet_bounce(email={"a": 1})],
    "a good event then a bad one": [mailjet_bounce(), mailjet_bounce(json.dumps({"invitation": "1 OR 1=1"}))],
}


@pytest.mark.parametrize("events", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_event_with_the_right_credentials_answers_400_is_logged_and_records_nothing(
    esp_urls, client, caplog, events
):
    """Was: a non-numeric invitation id with the right credentials answered 500 (the ESP retries a 500)."""
    lea = ambassador("lea@exemple.fr")
    right = "Basic " + base64.b64encode(b"mailjet:un secret de webhook").decode()
    url = "/anymail/mailjet/tracking/"
    with caplog.at_level("WARNING", logger="campaigns.sending"):
        response = client.post(url, json.dumps(events), content_type="application/json", HTTP_AUTHORIZATION=right)
    assert response.status_code == 400
    assert [record for record in caplog.records if record.getMessage() == "malformed ESP event"]
    assert Ambassador.objects.get(pk=lea.pk).email_bounced_at is None  # the batch is all or nothing


def test_a_body_that_is_not_json_answers_400(esp_urls, client):
    right = "Basic " + base64.b64encode(b"mailjet:un secret de webhook").decode()
    response = client.post(
        "/anymail/mailjet/tracking/", "{pas du json", content_type="application/json", HTTP_AUTHORIZATION=right
    )
    assert response.status_code == 400
