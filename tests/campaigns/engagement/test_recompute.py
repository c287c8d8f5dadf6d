from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.engagement.reads import tier_counts
from campaigns.engagement.recompute import recompute
from campaigns.models import Ambassador, EngagementHistory, EngagementRun, EngagementScore, Tier, TierEmail
from ideas.models import Idea, Moderation, StatusChange
from tests.campaigns.engagement.builders import (
    NOW,
    a_campaign,
    comment,
    idea_adopted,
    idea_posted,
    survey_answered,
    vote,
)
from tests.campaigns.factories import ambassador

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _weights(settings):
    settings.ENGAGEMENT_WEIGHTS = {
        "survey_answered": 5,
        "idea_posted": 4,
        "idea_adopted": 10,
        "vote": 1,
        "comment": 2,
        "campaign": 3,
        "recency": 10,
    }
    settings.ENGAGEMENT_HALF_LIFE_DAYS = 180
    settings.ENGAGEMENT_RECENCY_DAYS = 30
    settings.ENGAGEMENT_HISTORY_STEP = 5


def score_of(person):
    return EngagementScore.objects.get(ambassador=person)


def test_each_kind_of_contribution_earns_its_weight_with_campaign_and_recency_points():
    lea, paul = ambassador("lea@exemple.fr"), ambassador("paul@exemple.fr")
    target = a_campaign("epargne")
    idea = idea_posted(lea, target)
    idea_adopted(idea)
    vote(paul, idea)
    comment(paul, idea)
    survey_answered(paul, target)
    recompute(now=NOW)
    # Léa: idea 4 + adopted 10 + one campaign 3 + recency 10
    assert score_of(lea).score == 27
    # Paul: vote 1 + comment 2 + survey 5 + one campaign 3 + recency 10
    assert score_of(paul).score == 21


def test_old_contributions_count_for_less_than_recent_ones():
    old, recent = ambassador("old@exemple.fr"), ambassador("recent@exemple.fr")
    target = a_campaign("epargne")
    idea_posted(old, target, days_ago=180)
    idea_posted(recent, target, days_ago=0)
    recompute(now=NOW)
    # a half-life: the idea and the campaign count half; the recency bonus has halved six times
    assert score_of(old).score == pytest.approx(2 + 1.5 + 10 / 64, abs=0.1)
    assert score_of(recent).score == 17


def test_taking_part_in_more_campaigns_scores_more_than_the_same_votes_in_one():
    spread, focused = ambassador("spread@exemple.fr"), ambassador("focused@exemple.fr")
    first, second = a_campaign("epargne"), a_campaign("credit")
    author = ambassador("author@exemple.fr")
    ideas = [idea_posted(author, first), idea_posted(author, first), idea_posted(author, second)]
    vote(spread, ideas[0])
    vote(spread, ideas[2])
    vote(focused, ideas[0])
    vote(focused, ideas[1])
    recompute(now=NOW)
    assert score_of(spread).score == score_of(focused).score + 3


def test_hidden_ideas_and_comments_earn_nothing():
    lea, paul = ambassador("lea@exemple.fr"), ambassador("paul@exemple.fr")
    target = a_campaign("epargne")
    idea = idea_posted(lea, target, moderation=Moderation.REJECTED)
    comment(paul, idea, moderation=Moderation.HIDDEN)
    recompute(now=NOW)
    assert not EngagementScore.objects.exists()


def test_tiers_follow_the_thresholds():
    Tier.objects.filter(code="contributeur").update(threshold=15)
    lea, paul, zoe = ambassador("lea@exemple.fr"), ambassador("paul@exemple.fr"), ambassador("zoe@exemple.fr")
    target = a_campaign("epargne")
    idea = idea_posted(lea, target)
    vote(paul, idea, days_ago=400)
    recompute(now=NOW)
    assert score_of(lea).tier.code == "contributeur"
    assert score_of(paul).tier.code == "membre"
    assert not EngagementScore.objects.filter(ambassador=zoe).exists()  # no contribution, lowest tier
    counts = tier_counts()
    assert counts[Tier.objects.get(code="membre").pk] == 2
    assert counts[Tier.objects.get(code="contributeur").pk] == 1


def test_a_recompute_keeps_history_only_when_the_score_moves_enough_or_the_tier_changes():
    lea = ambassador("lea@exemple.fr")
    target = a_campaign("epargne")
    idea = idea_posted(lea, target)
    first = recompute(now=NOW)
    assert first.scored == 1 and first.changed == 1
    assert list(EngagementHistory.objects.values_list("score", flat=True)) == [17]
    # one vote more: the score moves by 1, under the step: scored, not recorded
    vote(lea, idea)
    recompute(now=NOW + timedelta(seconds=1))
    assert score_of(lea).score == 18
    assert EngagementHistory.objects.count() == 1
    # an adoption: +10 and a new tier
    idea_adopted(idea)
    third = recompute(now=NOW + timedelta(seconds=2))
    assert score_of(lea).tier.code == "contributeur"
    assert score_of(lea).tier_changed_at == NOW + timedelta(seconds=2)
    history = list(EngagementHistory.objects.order_by("pk").values_list("score", "tier__code", "run"))
    assert history == [(17, "membre", first.pk), (28, "contributeur", third.pk)]
    assert EngagementRun.objects.count() == 3


def test_an_unchanged_score_is_not_rewritten():
    lea = ambassador("lea@exemple.fr")
    idea_posted(lea, a_campaign("epargne"))
    recompute(now=NOW)
    assert recompute(now=NOW).changed == 0


def test_an_ambassador_whose_contributions_are_gone_falls_back_to_zero():
    lea = ambassador("lea@exemple.fr")
    idea = idea_posted(lea, a_campaign("epargne"))
    recompute(now=NOW)
    idea.delete()
    run = recompute(now=NOW)
    assert run.changed == 1
    assert score_of(lea).score == 0
    assert score_of(lea).tier.code == "membre"


def test_the_recompute_is_a_few_statements_whatever_the_number_of_ambassadors():
    target = a_campaign("epargne")
    people = [ambassador(f"p{number}@exemple.fr") for number in range(30)]
    for person in people:
        idea_posted(person, target)
    with CaptureQueriesContext(connection) as few:
        recompute(now=NOW)
    assert EngagementScore.objects.count() == 30
    assert len(few) <= 20


def test_the_programme_rows_of_an_ambassador_deleted_behind_djangos_back_are_removed_by_the_next_recompute():
    # scores, history and tier emails hold no foreign key in the database (the recompute writes them by the
    # million): the recompute itself removes what a deletion outside Django's cascade left behind
    lea, paul = ambassador("lea@exemple.fr"), ambassador("paul@exemple.fr")
    target = a_campaign("epargne")
    idea = idea_posted(lea, target)
    idea_posted(paul, target)
    idea_adopted(idea)
    recompute(now=NOW)
    assert TierEmail.objects.filter(ambassador=lea).exists()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {StatusChange._meta.db_table} WHERE idea_id = %s", [idea.pk])
        cursor.execute(f"DELETE FROM {Idea._meta.db_table} WHERE id = %s", [idea.pk])
        cursor.execute(f"DELETE FROM {Ambassador._meta.db_table} WHERE id = %s", [lea.pk])
    recompute(now=NOW)
    for model in (EngagementScore, EngagementHistory, TierEmail):
        assert not model.objects.filter(ambassador_id=lea.pk).exists()
    assert score_of(paul).score > 0
