"""Retention: the invitations of a campaign closed longer ago than RETENTION_MONTHS stop naming anyone, and so do
its ideas, comments and votes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from campaigns import tasks
from campaigns.audience.personal_data import ambassador_export
from campaigns.models import Ambassador, Campaign, Invitation, TrackingEvent
from campaigns.sending.launch import campaign_launch
from campaigns.sending.progress import campaign_progress
from ideas.models import Comment, Idea, Vote
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db


def closed(slug, months_ago):
    target = campaign(slug=slug, segments=[region_segment(name=slug)])
    campaign_launch(target)
    ended = timezone.now() - timedelta(days=31 * months_ago)
    Invitation.objects.filter(campaign=target).update(status=Invitation.Status.SENT, sent_at=ended - timedelta(days=9))
    Campaign.objects.filter(pk=target.pk).update(status=Campaign.Status.CLOSED, closes_at=ended, closed_at=ended)
    return target


def test_old_campaigns_lose_who_was_invited_and_keep_their_figures(client, settings):
    settings.CONTACT_CAP_COUNT = 0
    for number in range(3):
        ambassador(f"amb{number}@exemple.fr", region="bre")
    old, recent = closed("ancienne", 25), closed("recente", 3)
    Invitation.objects.filter(campaign=old, ambassador__email="amb0@exemple.fr").update(
        first_opened_at=timezone.now(), responded_at=timezone.now()
    )
    tokens = list(Invitation.objects.filter(campaign=old).values_list("token", flat=True))
    for invitation in Invitation.objects.filter(campaign__in=[old, recent]):
        TrackingEvent.objects.create(
            invitation=invitation,
            kind="open",
            at=timezone.now(),
            verdict="person",
            agent="Thunderbird",
            network="90.84.12.0/24",
        )
    figures = campaign_progress(old)

    assert tasks.retention() == {"ancienne": 3}
    assert not Invitation.objects.filter(campaign=old, ambassador__isnull=False).exists()
    assert Invitation.objects.filter(campaign=recent, ambassador__isnull=False).count() == 3
    assert campaign_progress(old) == figures  # the funnel keeps its figures
    assert not Invitation.objects.filter(token__in=tokens).exists()
    assert client.get(reverse("campaigns:personal_link", args=[tokens[0]])).status_code == 404
    assert [
        row["campaign__title"]
        for row in ambassador_export(Ambassador.objects.get(email="amb0@exemple.fr"))["invitations"]
    ] == [recent.title]
    assert Campaign.objects.get(pk=old.pk).deidentified_at is not None
    assert not TrackingEvent.objects.filter(invitation__campaign=old).exclude(agent="", network="").exists()
    assert TrackingEvent.objects.filter(invitation__campaign=recent, network="90.84.12.0/24").count() == 3
    assert tasks.retention() == {}  # once


def test_retention_can_be_turned_off_and_runs_every_day(settings):
    settings.RETENTION_MONTHS = 0
    ambassador("amb@exemple.fr", region="bre")
    closed("ancienne", 120)
    assert tasks.retention() == {}
    assert Schedule.objects.get(name="campaigns: retention").schedule_type == Schedule.DAILY


def test_past_retention_ideas_comments_and_votes_belong_to_no_one(settings):
    settings.CONTACT_CAP_COUNT = 0
    people = [ambassador(f"amb{number}@exemple.fr", region="bre") for number in range(3)]
    old, recent = closed("ancienne", 25), closed("recente", 3)
    for target in (old, recent):
        idea = Idea.objects.create(campaign=target, title=f"Idée de {target.slug}", author=people[0], vote_count=2)
        Comment.objects.create(idea=idea, author=people[1], body="D'accord")
        Vote.objects.create(idea=idea, ambassador=people[1])
        Vote.objects.create(idea=idea, ambassador=people[2])

    tasks.retention()
    assert not Idea.objects.filter(campaign=old, author__isnull=False).exists()
    assert not Comment.objects.filter(idea__campaign=old, author__isnull=False).exists()
    assert not Vote.objects.filter(idea__campaign=old, ambassador__isnull=False).exists()
    assert Vote.objects.filter(idea__campaign=old).count() == 2 and Idea.objects.get(campaign=old).vote_count == 2
    assert Idea.objects.get(campaign=recent).author == people[0]  # a recent campaign keeps its authors
    assert Vote.objects.filter(idea__campaign=recent, ambassador__isnull=False).count() == 2
    held = ambassador_export(people[0])["ideas"]
    assert [idea["title"] for idea in held["ideas"]] == ["Idée de recente"]
    assert [vote["idea"] for vote in ambassador_export(people[2])["ideas"]["votes"]] == ["Idée de recente"]
