from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaigns.audience.fatigue import idea_news_set
from campaigns.models import ContactLog, IdeaNews, Invitation
from campaigns.sending.launch import campaign_launch
from ideas.digest import digests_send
from ideas.models import Idea
from ideas.workflow import idea_status_change
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.ideas.test_notifications import idea, subject_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    lea = ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    zoe = ambassador("zoe@exemple.fr", region="bre", first_name="Zoé")
    campaign_launch(campaign(slug="banque-mobile", segments=[region_segment()]))
    idea_news_set(lea, IdeaNews.WEEKLY)
    mail.outbox.clear()
    return lea, zoe


def ten_changes(target, voters, staff):
    for number in range(10):
        voted = idea(target, f"Idée numéro {number}", voters=voters)
        idea_status_change(idea=voted, to_status=Idea.Status.UNDER_REVIEW, answer_fr="Nous regardons.", by=staff)


def test_an_ambassador_on_the_digest_gets_one_email_for_ten_status_changes_in_a_week(
    people, product_user, django_capture_on_commit_callbacks
):
    lea, zoe = people
    target = Invitation.objects.get(ambassador=lea).campaign
    with django_capture_on_commit_callbacks(execute=True):
        ten_changes(target, [lea, zoe], product_user)
    # Zoé chose nothing: an email each time; Léa none until the digest
    assert sorted({tuple(message.to) for message in mail.outbox}) == [("zoe@exemple.fr",)]
    assert len(mail.outbox) == 10
    mail.outbox.clear()
    assert digests_send(now=timezone.now() + timedelta(minutes=1)) == {"sent": 1, "failed": 0}
    assert [message.to for message in mail.outbox] == [["lea@exemple.fr"]]
    assert subject_of(mail.outbox[0]) == "Vos idées cette semaine : 10 nouvelles"
    text, html = mail.outbox[0].body, mail.outbox[0].alternatives[0][0]
    assert all(f"« Idée numéro {number} »" in text for number in range(10))
    assert reverse("campaigns:preferences", args=[Invitation.objects.get(ambassador=lea).token]) in text
    assert "Idée numéro 3" in html
    assert ContactLog.objects.filter(ambassador=lea, kind=ContactLog.Kind.DIGEST).count() == 1
    assert ContactLog.objects.filter(ambassador=zoe, kind=ContactLog.Kind.IDEA_NEWS).count() == 10
    # run twice, sent once
    mail.outbox.clear()
    assert digests_send(now=timezone.now() + timedelta(minutes=2)) == {"sent": 0, "failed": 0}


def test_changes_older_than_a_week_and_other_peoples_ideas_are_not_in_the_digest(
    people, product_user, django_capture_on_commit_callbacks
):
    lea, zoe = people
    target = Invitation.objects.get(ambassador=lea).campaign
    with django_capture_on_commit_callbacks(execute=True):
        ten_changes(target, [zoe], product_user)
    mail.outbox.clear()
    assert digests_send(now=timezone.now() + timedelta(minutes=1)) == {"sent": 0, "failed": 0}
    with django_capture_on_commit_callbacks(execute=True):
        ten_changes(target, [lea], product_user)
    assert digests_send(now=timezone.now() + timedelta(days=8)) == {"sent": 0, "failed": 0}


def test_an_unsubscribed_ambassador_gets_no_digest(people, product_user, django_capture_on_commit_callbacks):
    lea, _zoe = people
    target = Invitation.objects.get(ambassador=lea).campaign
    with django_capture_on_commit_callbacks(execute=True):
        ten_changes(target, [lea], product_user)
    lea.opted_out_at = timezone.now()
    lea.save()
    assert digests_send(now=timezone.now() + timedelta(minutes=1)) == {"sent": 0, "failed": 0}
