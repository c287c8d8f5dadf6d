from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Ambassador, Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from campaigns.tracking import destinations, throttle
from campaigns.tracking.visits import COOKIE, visiting_invitation
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    target = campaign(
        segments=[region_segment()],
        description="Note interne : budget serré.",
        summary_fr="Imaginons ensemble l'appli de demain.",
    )
    campaign_launch(target)
    Invitation.objects.update(status=Invitation.Status.SENT, sent_at=timezone.now() - timedelta(hours=1))
    return Invitation.objects.select_related("campaign", "ambassador").get()


@contextmanager
def statements():
    """The first word of each statement run (CaptureQueriesContext logs prepared statements without their SQL)."""
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql.split()[0].upper())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def pixel(client, invitation, agent="Mozilla/5.0 (Windows NT 10.0) Thunderbird/115.0"):
    return client.get(reverse("campaigns:open_pixel", args=[invitation.token]), HTTP_USER_AGENT=agent)


def test_open_pixel_counts_opens_with_one_small_write(client, invitation):
    with statements() as run:
        response = pixel(client, invitation)
    assert [word for word in run if word not in ("SAVEPOINT", "RELEASE")] == (
        ["WITH"] if connection.vendor == "postgresql" else ["WITH", "UPDATE", "INSERT"]
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    pixel(client, invitation)
    invitation.refresh_from_db()
    assert invitation.open_count == 2 and invitation.first_opened_at == invitation.first_human_open_at


def test_a_gmail_open_an_hour_after_sending_is_human_and_an_apple_prefetch_at_delivery_is_not(client, invitation):
    pixel(
        client,
        invitation,
        agent="Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
    )
    invitation.refresh_from_db()
    assert invitation.open_count == 1 and invitation.first_human_open_at == invitation.first_opened_at
    Invitation.objects.filter(pk=invitation.pk).update(
        sent_at=timezone.now() - timedelta(seconds=2), first_opened_at=None, first_human_open_at=None
    )
    client.get(
        reverse("campaigns:open_pixel", args=[invitation.token]),
        HTTP_USER_AGENT="Mozilla/5.0",
        REMOTE_ADDR="17.58.101.9",
    )
    invitation.refresh_from_db()
    assert invitation.open_count == 2 and invitation.first_opened_at and invitation.first_human_open_at is None


def test_unknown_pixel_token_writes_nothing(client, invitation):
    assert client.get(reverse("campaigns:open_pixel", args=["0" * 64])).status_code == 200
    assert Invitation.objects.get().open_count == 0
    assert client.get("/t/o/not-a-token.gif").status_code == 404


def test_personal_link_counts_the_click_identifies_the_visitor_and_opens_the_campaign(client, invitation):
    response = client.get(reverse("campaigns:personal_link", args=[invitation.token]))
    assert response.status_code == 302 and response.url == reverse("campaigns:landing", args=["banque-mobile"])
    assert invitation.token not in response.url
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and invitation.ambassador.email not in cookie.value
    invitation.refresh_from_db()
    assert invitation.click_count == 1 and invitation.first_clicked_at and invitation.first_human_open_at
    page = client.get(response.url)
    assert "Bonjour Léa" in page.content.decode() and "Imaginons ensemble" in page.content.decode()
    assert "Note interne" not in page.content.decode()  # the internal description never shows
    assert visiting_invitation(page.wsgi_request) == invitation


def test_personal_link_of_a_survey_only_campaign_leads_straight_to_its_survey(client, invitation):
    from surveys.models import Survey

    Campaign.objects.filter(pk=invitation.campaign_id).update(kind=Campaign.Kind.SURVEY)
    Survey.objects.create(campaign=invitation.campaign, title_fr="Votre avis")
    response = client.get(reverse("campaigns:personal_link", args=[invitation.token]), follow=True)
    chain = [url for url, _status in response.redirect_chain]
    assert reverse("surveys:start", args=["banque-mobile"]) in chain
    assert chain[-1].startswith("/s/banque-mobile/")  # no stop on the campaign's landing page


def test_anonymous_visitor_sees_the_public_campaign_page(client, invitation):
    page = client.get(reverse("campaigns:landing", args=["banque-mobile"]))
    assert page.status_code == 200 and b"data-visitor" not in page.content


def test_a_forged_visit_cookie_identifies_nobody(client, invitation):
    client.cookies[COOKIE] = str(invitation.pk)
    page = client.get(reverse("campaigns:landing", args=["banque-mobile"]))
    assert b"data-visitor" not in page.content


def test_link_redirects_only_to_the_campaigns_registered_destinations(client, invitation, monkeypatch):
    monkeypatch.setattr(destinations, "_registry", {})
    destinations.register("ideas", "Idées", lambda c: f"/c/{c.slug}/idees/")
    destinations.register("evil", "Ailleurs", lambda c: "//evil.example/")
    link = reverse("campaigns:personal_link", args=[invitation.token])
    assert client.get(link, {"to": "ideas"}).url == "/c/banque-mobile/idees/"
    assert client.get(link, {"to": "evil"}).url == "/c/banque-mobile/"
    assert client.get(link, {"to": "https://evil.example/"}).url == "/c/banque-mobile/"


def test_link_of_a_closed_campaign_shows_a_clear_page(client, invitation):
    Campaign.objects.update(status=Campaign.Status.CLOSED, closed_at=timezone.now())
    page = client.get(reverse("campaigns:personal_link", args=[invitation.token]))
    assert page.status_code == 200 and b'data-link-state="closed"' in page.content
    assert "est terminée" in page.content.decode()
    assert Invitation.objects.get().click_count == 0


def test_withdrawn_invitation_link_stops_working(client, invitation):
    Invitation.objects.update(withdrawn_at=timezone.now())
    page = client.get(reverse("campaigns:personal_link", args=[invitation.token]))
    assert page.status_code == 410 and b'data-link-state="withdrawn"' in page.content


def test_unknown_link_is_a_clear_404(client, invitation):
    page = client.get(reverse("campaigns:personal_link", args=["f" * 64]))
    assert page.status_code == 404 and "Lien inconnu" in page.content.decode()


def test_unsubscribe_page_asks_before_acting(client, invitation):
    page = client.get(reverse("campaigns:unsubscribe", args=[invitation.token]))
    assert page.status_code == 200 and b"lea@exemple.fr" in page.content
    assert Ambassador.objects.get().opted_out_at is None


def test_one_click_unsubscribe_without_csrf_token_opts_out_at_once(invitation):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("campaigns:unsubscribe", args=[invitation.token]),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Ambassador.objects.get().opted_out_at is not None
    assert Invitation.objects.get().unsubscribed_at is not None


def test_unsubscribed_ambassador_is_never_emailed_again(
    client, invitation, smtp_server, django_capture_on_commit_callbacks
):
    client.post(reverse("campaigns:unsubscribe", args=[invitation.token]))
    with django_capture_on_commit_callbacks(execute=True):
        assert campaign_launch(campaign(slug="suite", segments=[region_segment("Encore")])) == 0
    assert smtp_server.messages == []


def test_a_working_personal_link_costs_one_statement(client, invitation):
    with statements() as run:
        assert client.get(reverse("campaigns:personal_link", args=[invitation.token])).status_code == 302
    assert [word for word in run if word not in ("SAVEPOINT", "RELEASE")] == (
        ["WITH"] if connection.vendor == "postgresql" else ["WITH", "UPDATE", "INSERT"]
    )


def test_a_campaign_not_yet_launched_is_not_public(client, client_for, product_user):
    draft = campaign(slug="secret")
    assert client.get(reverse("campaigns:landing", args=["secret"])).status_code == 404
    Campaign.objects.filter(pk=draft.pk).update(
        status=Campaign.Status.SCHEDULED, opens_at=timezone.now() + timedelta(days=1)
    )
    assert client.get(reverse("campaigns:landing", args=["secret"])).status_code == 404
    assert client_for(product_user).get(reverse("campaigns:landing", args=["secret"])).status_code == 200


def test_guessing_tokens_is_stopped_after_a_few_failures(client, invitation, settings):
    settings.TOKEN_FAILURES_PER_MINUTE = 3
    for number in range(3):
        assert client.get(reverse("campaigns:personal_link", args=[f"{number:064x}"])).status_code == 404
    refused = client.get(reverse("campaigns:personal_link", args=[invitation.token]))
    assert refused.status_code == 429 and "Réessayez dans une minute" in refused.content.decode()
    assert client.post(reverse("campaigns:unsubscribe", args=[invitation.token])).status_code == 429
    invitation.refresh_from_db()
    assert invitation.click_count == 0 and invitation.unsubscribed_at is None
    other = client.get(reverse("campaigns:personal_link", args=[invitation.token]), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302  # another address is not held back


def test_another_web_process_holds_a_guesser_back_at_their_first_failure_there(client, invitation, settings):
    """The failures are counted in the shared cache; a process that has not seen the guesser yet (its memory of
    held-back addresses is empty) refuses them from their first unknown token on."""
    settings.TOKEN_FAILURES_PER_MINUTE = 3
    for number in range(3):
        client.get(reverse("campaigns:personal_link", args=[f"{number:064x}"]))
    throttle._blocked.clear()  # as in another process
    assert client.get(reverse("campaigns:personal_link", args=[f"{9:064x}"])).status_code == 404
    assert client.get(reverse("campaigns:personal_link", args=[invitation.token])).status_code == 429


def test_behind_a_proxy_guessers_are_told_apart_by_the_address_it_forwards(client, invitation, settings):
    """One reverse proxy: every request comes from its address; the client is the last X-Forwarded-For entry
    (what the client wrote itself, further left, changes nothing)."""
    settings.TOKEN_FAILURES_PER_MINUTE, settings.TRUSTED_PROXIES = 3, 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for number in range(3):
        forged = {"HTTP_X_FORWARDED_FOR": f"192.0.2.{number}, 203.0.113.9"}
        assert (
            client.get(reverse("campaigns:personal_link", args=[f"{number:064x}"]), **proxy, **forged).status_code
            == 404
        )
    link = reverse("campaigns:personal_link", args=[invitation.token])
    assert client.get(link, **proxy, HTTP_X_FORWARDED_FOR="192.0.2.50, 203.0.113.9").status_code == 429
    assert client.get(link, **proxy, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 302


def test_the_visit_cookie_is_secure_over_https_and_never_readable_by_scripts(client, invitation):
    link = reverse("campaigns:personal_link", args=[invitation.token])
    cookie = client.get(link, secure=True).cookies[COOKIE]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not client.get(link).cookies[COOKIE]["secure"]  # plain HTTP (make run): a secure cookie would be lost
