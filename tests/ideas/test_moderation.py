"""Moderators' decisions on ideas and comments, and the queue of what awaits them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from campaigns.models import Campaign
from ideas.models import AbuseReport, Board, Comment, Idea, Moderation
from ideas.moderation import content_moderate, moderation_queue
from tests.campaigns.factories import ambassador, campaign

pytestmark = pytest.mark.django_db

START = timezone.now() - timedelta(days=3)


@pytest.fixture
def moderated_board():
    return Board.objects.create(
        campaign=campaign(slug="epargne", kind=Campaign.Kind.IDEATION), moderation=Board.Mode.PRE
    )


@pytest.fixture
def people():
    return [ambassador(f"amb{number}@exemple.fr", last_name="Durand") for number in range(3)]


def make_idea(board, author, minutes=0, **fields):
    fields.setdefault("title", f"Idée à {minutes} minutes")
    created = Idea.objects.create(campaign_id=board.campaign_id, author=author, **fields)
    Idea.objects.filter(pk=created.pk).update(created_at=START + timedelta(minutes=minutes))
    created.refresh_from_db()
    return created


def make_comment(idea, author, minutes=0, **fields):
    fields.setdefault("body", f"Commentaire à {minutes} minutes")
    created = Comment.objects.create(idea=idea, author=author, **fields)
    Comment.objects.filter(pk=created.pk).update(created_at=START + timedelta(minutes=minutes))
    created.refresh_from_db()
    return created


def report(reporter, reason="", **target):
    return AbuseReport.objects.create(reporter=reporter, reason=reason, **target)


def test_approving_a_pending_idea_publishes_it_and_keeps_who_did_it(moderated_board, people, moderator_user):
    idea = make_idea(moderated_board, people[0], moderation=Moderation.PENDING)
    returned = content_moderate(item=idea, decision="approve", by=moderator_user)
    idea.refresh_from_db()
    assert idea.moderation == returned.moderation == Moderation.APPROVED
    entry = ModelLogEntry.objects.get(object_id=str(idea.pk), action="ideas.moderation.approve")
    assert entry.user == moderator_user


@pytest.mark.parametrize("decision, outcome", [("hide", Moderation.HIDDEN), ("reject", Moderation.REJECTED)])
def test_hiding_or_rejecting_keeps_the_reason(moderated_board, people, moderator_user, decision, outcome):
    idea = make_idea(moderated_board, people[0])
    content_moderate(item=idea, decision=decision, reason="  Propos injurieux  ", by=moderator_user)
    idea.refresh_from_db()
    assert (idea.moderation, idea.moderation_reason) == (outcome, "Propos injurieux")
    log = ModelLogEntry.objects.get(object_id=str(idea.pk), action=f"ideas.moderation.{decision}")
    assert log.data["reason"] == "Propos injurieux"


@pytest.mark.parametrize("decision", ["hide", "reject"])
def test_hiding_or_rejecting_without_a_reason_is_refused_and_changes_nothing(
    moderated_board, people, moderator_user, decision
):
    idea = make_idea(moderated_board, people[0], moderation=Moderation.PENDING)
    report(people[1], idea=idea)
    with pytest.raises(ValidationError) as refused:
        content_moderate(item=idea, decision=decision, reason="   ", by=moderator_user)
    assert "motif" in refused.value.message_dict["reason"][0]
    idea.refresh_from_db()
    assert idea.moderation == Moderation.PENDING
    assert AbuseReport.objects.get().resolved_at is None


def test_an_unknown_decision_or_an_overlong_reason_is_refused(moderated_board, people, moderator_user):
    idea = make_idea(moderated_board, people[0], moderation=Moderation.PENDING)
    with pytest.raises(ValidationError) as unknown:
        content_moderate(item=idea, decision="delete", by=moderator_user)
    assert "delete" in unknown.value.message_dict["decision"][0]
    with pytest.raises(ValidationError) as overlong:
        content_moderate(item=idea, decision="hide", reason="x" * 501, by=moderator_user)
    assert "501" in overlong.value.message_dict["reason"][0]
    idea.refresh_from_db()
    assert idea.moderation == Moderation.PENDING


def test_a_decision_resolves_the_open_reports_of_that_item_only(moderated_board, people, moderator_user):
    idea = make_idea(moderated_board, people[0])
    other = make_idea(moderated_board, people[0], minutes=1)
    comment = make_comment(idea, people[1])
    earlier = timezone.now() - timedelta(days=1)
    open_reports = [report(people[1], "Spam", idea=idea), report(people[2], "Hors sujet", idea=idea)]
    old = report(people[0], comment=comment)
    AbuseReport.objects.filter(pk=old.pk).update(resolved_at=earlier)
    untouched = [report(people[1], idea=other), report(people[2], comment=comment)]
    content_moderate(item=idea, decision="hide", reason="Spam", by=moderator_user)
    assert all(AbuseReport.objects.get(pk=r.pk).resolved_at is not None for r in open_reports)
    assert all(AbuseReport.objects.get(pk=r.pk).resolved_at is None for r in untouched)
    assert AbuseReport.objects.get(pk=old.pk).resolved_at == earlier


def test_comment_count_follows_the_approved_comments(moderated_board, people, moderator_user):
    idea = make_idea(moderated_board, people[0])
    shown = make_comment(idea, people[1])
    held = make_comment(idea, people[2], minutes=1, moderation=Moderation.PENDING)
    make_comment(idea, people[2], minutes=2, parent=shown)
    Idea.objects.filter(pk=idea.pk).update(comment_count=7)  # a stale value is put right by the next decision

    def count():
        return Idea.objects.get(pk=idea.pk).comment_count

    content_moderate(item=held, decision="approve", by=moderator_user)
    assert count() == 3
    content_moderate(item=held, decision="approve", by=moderator_user)
    assert count() == 3
    content_moderate(item=shown, decision="hide", reason="Insulte", by=moderator_user)
    assert count() == 2
    content_moderate(item=held, decision="reject", reason="Publicité", by=moderator_user)
    assert count() == 1
    content_moderate(item=shown, decision="approve", by=moderator_user)
    assert count() == 2


def test_hiding_the_last_comment_brings_the_count_to_zero(moderated_board, people, moderator_user):
    idea = make_idea(moderated_board, people[0], comment_count=1)
    only = make_comment(idea, people[1])
    content_moderate(item=only, decision="hide", reason="Données personnelles", by=moderator_user)
    assert Idea.objects.get(pk=idea.pk).comment_count == 0


def test_queue_holds_pending_and_reported_items_oldest_first_with_their_reports(moderated_board, people):
    published = make_idea(moderated_board, people[0], minutes=0)
    reported = make_idea(moderated_board, people[0], minutes=1)
    pending = make_idea(moderated_board, people[1], minutes=5, moderation=Moderation.PENDING)
    make_idea(moderated_board, people[1], minutes=6, moderation=Moderation.HIDDEN)
    make_idea(moderated_board, people[1], minutes=7, moderation=Moderation.REJECTED)
    dealt_with = make_idea(moderated_board, people[2], minutes=8)
    pending_comment = make_comment(published, people[2], minutes=3, moderation=Moderation.PENDING)
    reported_comment = make_comment(published, people[1], minutes=9)
    make_comment(published, people[1], minutes=10)
    report(people[1], "Spam", idea=reported)
    report(people[2], "Doublon", idea=reported)
    report(people[0], "Insulte", comment=reported_comment)
    AbuseReport.objects.filter(pk=report(people[0], idea=dealt_with).pk).update(resolved_at=timezone.now())

    queue = moderation_queue()

    assert [(entry.kind, entry.item.pk) for entry in queue] == [
        ("idea", reported.pk),
        ("comment", pending_comment.pk),
        ("idea", pending.pk),
        ("comment", reported_comment.pk),
    ]
    assert [entry.report_count for entry in queue] == [2, 0, 0, 1]
    assert [report.reason for report in queue[0].reports] == ["Spam", "Doublon"]
    assert queue[1].idea == published and queue[1].campaign == moderated_board.campaign
    assert queue[0].author_name == "Amb0 D."


def test_queue_of_one_campaign_leaves_out_the_others(moderated_board, people):
    other_board = Board.objects.create(campaign=campaign(slug="credit", kind=Campaign.Kind.IDEATION))
    mine = make_idea(moderated_board, people[0], moderation=Moderation.PENDING)
    theirs = make_idea(other_board, people[0], moderation=Moderation.PENDING)
    make_comment(theirs, people[1], moderation=Moderation.PENDING)
    assert [entry.item for entry in moderation_queue(moderated_board.campaign)] == [mine]
    assert len(moderation_queue()) == 3


def test_queue_keeps_the_oldest_entries_up_to_the_limit(moderated_board, people):
    idea = make_idea(moderated_board, people[0], minutes=0, moderation=Moderation.PENDING)
    comments = [make_comment(idea, people[1], minutes=minutes, moderation=Moderation.PENDING) for minutes in (1, 3)]
    make_idea(moderated_board, people[0], minutes=2, moderation=Moderation.PENDING)
    queue = moderation_queue(limit=3)
    assert [entry.created_at for entry in queue] == sorted(entry.created_at for entry in queue)
    assert comments[1] not in [entry.item for entry in queue] and len(queue) == 3


@pytest.mark.parametrize("size", [3, 30])
def test_queue_takes_four_queries_whatever_its_size(moderated_board, people, django_assert_num_queries, size):
    for number in range(size):
        idea = make_idea(moderated_board, people[number % 3], minutes=number, moderation=Moderation.PENDING)
        reported = make_comment(idea, people[(number + 1) % 3], minutes=number)
        report(people[number % 3], "Spam", comment=reported)
        report(people[(number + 2) % 3], "Spam", idea=idea)
    with django_assert_num_queries(4):
        queue = moderation_queue()
        assert len(queue) == 2 * size
        for entry in queue:
            (entry.campaign.title, entry.author_name, entry.report_count, [r.reason for r in entry.reports])
