import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.audience.fatigue import contacts_log, idea_news_choice
from campaigns.models import ContactLog, IdeaNews, Invitation
from tests.campaigns.factories import ambassador, campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    lea = ambassador("lea@exemple.fr", first_name="<script>alert(1)</script>")
    return Invitation.objects.create(
        campaign=campaign(), ambassador=lea, token="b" * 64, status="sent", sent_at=timezone.now()
    )


def url(token):
    return reverse("campaigns:preferences", args=[token])


def test_the_preference_page_shows_the_choice_and_how_often_the_ambassador_was_emailed(client, invitation):
    contacts_log([invitation.ambassador_id], ContactLog.Kind.IDEA_NEWS)
    page = client.get(url(invitation.token))
    assert page.status_code == 200
    content = " ".join(page.content.decode().split())
    assert 'value="each" checked' in content
    assert '<th scope="row">Invitations</th><td>1</td><td>1</td>' in content
    assert '<th scope="row">Nouvelle d&#x27;une idée</th><td>1</td><td>1</td>' in content
    assert "<script>alert(1)</script>" not in content


def test_the_ambassador_chooses_the_weekly_digest_without_an_account(client, invitation):
    page = client.post(url(invitation.token), {"idea_news": "weekly"})
    assert page.status_code == 200 and "Votre choix est enregistré." in page.content.decode()
    assert idea_news_choice(invitation.ambassador) == IdeaNews.WEEKLY


def test_a_wrong_choice_says_what_is_expected_and_changes_nothing(client, invitation):
    page = client.post(url(invitation.token), {"idea_news": "hourly"})
    assert page.status_code == 400
    assert "Choisissez « Chaque fois » ou « Un résumé hebdomadaire »." in page.content.decode()
    assert idea_news_choice(invitation.ambassador) == IdeaNews.EACH_TIME


def test_an_unknown_or_detached_token_finds_nothing(client, invitation):
    assert client.get(url("c" * 64)).status_code == 404
    Invitation.objects.filter(pk=invitation.pk).update(ambassador=None)
    assert client.post(url(invitation.token), {"idea_news": "weekly"}).status_code == 404


def test_the_preference_form_needs_its_csrf_token(invitation):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url(invitation.token), {"idea_news": "weekly"}).status_code == 403
    assert idea_news_choice(invitation.ambassador) == IdeaNews.EACH_TIME
