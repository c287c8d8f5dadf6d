import math
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ideas import workflow
from ideas.models import Comment, Idea, Moderation, StatusChange, Vote
from ideas.voting import TAU
from ideas.workflow import ALLOWED, idea_merge, idea_status_change, trend_of_votes
from tests.campaigns.factories import ambassador, campaign

pytestmark = pytest.mark.django_db
Status = Idea.Status
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def ideation():
    return campaign(slug="banque-mobile")


@pytest.fixture
def people():
    return {name: ambassador(f"{name}@exemple.fr", region="bre") for name in ("a", "b", "c", "d", "e")}


def idea(target_campaign, title="Un virement instantané gratuit", voters=(), **fields):
    created = Idea.objects.create(campaign=target_campaign, title=title, **fields)
    Vote.objects.bulk_create([Vote(idea=created, ambassador=voter) for voter in voters])
    Idea.objects.filter(pk=created.pk).update(vote_count=len(voters))
    created.refresh_from_db()
    return created


@pytest.fixture
def queued(monkeypatch):
    """The django-q2 tasks queued by the workflow, as (function, arguments), instead of running them."""
    calls = []
    monkeypatch.setattr(workflow, "async_task", lambda func, *args, **kwargs: calls.append((func, *args)))
    return calls


# --- status ---------------------------------------------------------------------------------------------------


def test_an_idea_goes_from_new_to_delivered_each_step_kept_with_its_answer(ideation, product_user):
    target = idea(ideation)
    path = [Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS, Status.DELIVERED]
    for number, status in enumerate(path):
        change = idea_status_change(
            idea=target,
            to_status=status,
            answer_fr=f"  Réponse {number}  ",
            answer_en=f"Answer {number}",
            by=product_user,
        )
        assert target.status == status and change.to_status == status
    target.refresh_from_db()
    assert target.status == Status.DELIVERED
    history = list(StatusChange.objects.filter(idea=target))
    assert [(c.from_status, c.to_status) for c in history] == [
        (Status.NEW, Status.UNDER_REVIEW),
        (Status.UNDER_REVIEW, Status.PLANNED),
        (Status.PLANNED, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.DELIVERED),
    ]
    assert [c.answer_fr for c in history] == ["Réponse 0", "Réponse 1", "Réponse 2", "Réponse 3"]
    assert history[0].answer("en") == "Answer 0" and all(c.changed_by == product_user for c in history)


@pytest.mark.parametrize("step", [Status.NEW, Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS])
def test_an_idea_not_delivered_may_be_declined(ideation, product_user, step):
    target = idea(ideation, status=step)
    idea_status_change(idea=target, to_status=Status.DECLINED, answer_fr="Pas pour cette année.", by=product_user)
    assert Idea.objects.get(pk=target.pk).status == Status.DECLINED


def test_a_declined_idea_is_reopened_for_review_only(ideation, product_user):
    target = idea(ideation, status=Status.DECLINED)
    with pytest.raises(ValidationError) as refused:
        idea_status_change(idea=target, to_status=Status.PLANNED, answer_fr="Finalement oui.", by=product_user)
    assert refused.value.message_dict["to_status"] == [
        "Une idée « Non retenue » ne peut pas passer à « Prévue ». Étapes possibles : « À l'étude »."
    ]
    idea_status_change(idea=target, to_status=Status.UNDER_REVIEW, answer_fr="Nous la réétudions.", by=product_user)
    assert Idea.objects.get(pk=target.pk).status == Status.UNDER_REVIEW


def test_every_status_has_its_allowed_steps():
    assert set(ALLOWED) == set(Status) and ALLOWED[Status.DELIVERED] == ()


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        (
            Status.NEW,
            Status.PLANNED,
            "Une idée « Nouvelle » ne peut pas passer à « Prévue ». Étapes possibles : « À l'étude », « Non retenue ».",
        ),
        (
            Status.UNDER_REVIEW,
            Status.DELIVERED,
            "Une idée « À l'étude » ne peut pas passer à « Réalisée ». Étapes possibles : « Prévue », « Non retenue ».",
        ),
        (Status.DELIVERED, Status.DECLINED, "Une idée « Réalisée » ne change plus de statut."),
        (Status.PLANNED, Status.PLANNED, "L'idée est déjà « Prévue »."),
        (Status.NEW, "abandoned", "Statut inconnu : abandoned."),
    ],
)
def test_a_step_not_allowed_is_refused_with_the_reason_and_changes_nothing(
    ideation, product_user, queued, start, to, message, django_capture_on_commit_callbacks
):
    target = idea(ideation, status=start)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
        idea_status_change(idea=target, to_status=to, answer_fr="Une réponse.", by=product_user)
    assert refused.value.message_dict["to_status"][0].startswith(message)
    assert Idea.objects.get(pk=target.pk).status == start and target.status == start
    assert not StatusChange.objects.exists() and not queued


@pytest.mark.parametrize("answer", ["", "   \n  ", None])
def test_a_change_without_official_answer_in_french_is_refused(ideation, product_user, answer):
    target = idea(ideation)
    with pytest.raises(ValidationError) as refused:
        idea_status_change(
            idea=target, to_status=Status.UNDER_REVIEW, answer_fr=answer, answer_en="An answer", by=product_user
        )
    assert "réponse officielle en français" in refused.value.message_dict["answer_fr"][0]
    assert Idea.objects.get(pk=target.pk).status == Status.NEW and not StatusChange.objects.exists()


def test_the_status_of_a_merged_idea_does_not_change(ideation, product_user):
    kept = idea(ideation, "Le virement instantané")
    duplicate = idea(ideation, merged_into=kept)
    with pytest.raises(ValidationError, match="fusionnée dans « Le virement instantané »"):
        idea_status_change(idea=duplicate, to_status=Status.UNDER_REVIEW, answer_fr="Une réponse.", by=product_user)
    assert not StatusChange.objects.exists()


def test_the_notification_is_queued_once_the_change_is_committed(
    ideation, product_user, queued, django_capture_on_commit_callbacks
):
    target = idea(ideation)
    with django_capture_on_commit_callbacks() as callbacks:
        change = idea_status_change(idea=target, to_status=Status.UNDER_REVIEW, answer_fr="À l'étude.", by=product_user)
    assert not queued and callbacks  # the board's cached lists are dropped on commit too
    for callback in callbacks:
        callback()
    assert queued == [("ideas.tasks.status_change_notify", change.pk)]


# --- merge ----------------------------------------------------------------------------------------------------


def test_a_merge_keeps_each_distinct_voter_once(ideation, people, product_user):
    a, b, c, d = (people[name] for name in "abcd")
    source = idea(ideation, "Doublon", voters=[a, b, c])
    target = idea(ideation, "Original", voters=[c, d])
    merge = idea_merge(source=source, target=target, by=product_user)
    assert (merge.votes_moved, merge.votes_already_counted) == (2, 1)
    assert target.vote_count == 4 and Vote.objects.filter(idea=target).count() == 4
    assert set(Vote.objects.filter(idea=target).values_list("ambassador__email", flat=True)) == {
        "a@exemple.fr",
        "b@exemple.fr",
        "c@exemple.fr",
        "d@exemple.fr",
    }
    assert source.vote_count == 0 and Vote.objects.count() == 4


def test_a_merge_leaves_the_source_visible_and_pointing_at_the_target(ideation, product_user):
    source = idea(ideation, "Doublon", status=Status.UNDER_REVIEW)
    target = idea(ideation, "Original")
    merge = idea_merge(source=source, target=target, by=product_user)
    assert merge.source.merged_into == target and source.merged_into_id == target.pk
    assert source.moderation == Moderation.APPROVED and source.status == Status.UNDER_REVIEW
    assert target.merged_into_id is None


def test_comments_follow_the_merge_with_their_replies_and_counts_are_exact(ideation, people, product_user):
    source = idea(ideation, "Doublon")
    target = idea(ideation, "Original")
    first = Comment.objects.create(idea=source, author=people["a"], body=HOSTILE)
    Comment.objects.create(idea=source, parent=first, author=people["b"], body="Une réponse")
    Comment.objects.create(idea=source, author=people["c"], body="En attente", moderation=Moderation.PENDING)
    Comment.objects.create(idea=target, author=people["d"], body="Sur l'original")
    Idea.objects.filter(pk=source.pk).update(comment_count=2)
    Idea.objects.filter(pk=target.pk).update(comment_count=1)
    merge = idea_merge(source=source, target=target, by=product_user)
    assert merge.comments_moved == 3
    assert Comment.objects.filter(idea=target).count() == 4 and not Comment.objects.filter(idea=source).exists()
    assert Comment.objects.get(body="Une réponse").parent == first
    assert (target.comment_count, source.comment_count) == (3, 0)


def test_merged_votes_count_in_the_target_trend_as_if_cast_there(ideation, people, product_user):
    a, b, c, d = (people[name] for name in "abcd")
    source, target = idea(ideation, "Doublon"), idea(ideation, "Original")
    now = timezone.now()
    cast = {(source, a): 50, (source, b): 40, (source, c): 30, (target, c): 20, (target, d): 10}  # hours ago
    for (into, voter), hours in cast.items():
        Vote.objects.create(idea=into, ambassador=voter)
        Vote.objects.filter(idea=into, ambassador=voter).update(created_at=now - timedelta(hours=hours))
    idea_merge(source=source, target=target, by=product_user)
    expected = 0.0  # ideas.voting's trend_added, vote after vote: c's vote on the target is the one kept
    for hours in (50, 40, 20, 10):
        t = (now - timedelta(hours=hours)).timestamp()
        expected = max(expected, t) + TAU * math.log1p(math.exp(-abs(expected - t) / TAU))
    assert source.trend == 0.0 and target.trend == pytest.approx(expected, abs=1e-3)
    assert trend_of_votes(source.pk) == 0.0


def test_ideas_merged_earlier_into_the_source_now_point_at_the_target(ideation, product_user):
    older = idea(ideation, "Premier doublon")
    source = idea(ideation, "Doublon")
    target = idea(ideation, "Original")
    idea_merge(source=older, target=source, by=product_user)
    idea_merge(source=source, target=target, by=product_user)
    assert Idea.objects.get(pk=older.pk).merged_into_id == target.pk


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("itself", "target", "Une idée ne peut pas être fusionnée dans elle-même."),
        ("other campaign", "target", "« Ailleurs » appartient à une autre campagne"),
        ("merged target", "target", "« Ailleurs » est elle-même fusionnée dans « Original » : fusionnez plutôt"),
        ("merged source", "source", "« Doublon » est déjà fusionnée dans « Original »."),
    ],
)
def test_a_merge_not_allowed_is_refused_with_the_reason_and_changes_nothing(
    ideation, people, product_user, queued, case, field, message, django_capture_on_commit_callbacks
):
    source = idea(ideation, "Doublon", voters=[people["a"]], author=people["e"])
    original = idea(ideation, "Original", voters=[people["b"]])
    target = {
        "itself": lambda: source,
        "other campaign": lambda: idea(campaign(slug="epargne"), "Ailleurs"),
        "merged target": lambda: idea(ideation, "Ailleurs", merged_into=original),
        "merged source": lambda: idea(ideation, "Troisième"),
    }[case]()
    if case == "merged source":
        Idea.objects.filter(pk=source.pk).update(merged_into=original)
    before = sorted(Vote.objects.values_list("idea_id", "ambassador_id"))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
        idea_merge(source=source, target=target, by=product_user)
    assert refused.value.message_dict[field][0].startswith(message)
    assert sorted(Vote.objects.values_list("idea_id", "ambassador_id")) == before and not queued


def test_a_merge_queues_the_authors_notification_once_committed(
    ideation, people, product_user, queued, django_capture_on_commit_callbacks
):
    source = idea(ideation, "Doublon", author=people["a"])
    target = idea(ideation, "Original", author_user=product_user)
    with django_capture_on_commit_callbacks(execute=True):
        idea_merge(source=source, target=target, by=product_user)
    assert queued == [("ideas.tasks.merge_notify", source.pk, target.pk)]


def test_a_merge_of_staff_ideas_queues_no_email(ideation, product_user, queued, django_capture_on_commit_callbacks):
    source = idea(ideation, "Doublon", author_user=product_user)
    target = idea(ideation, "Original")
    with django_capture_on_commit_callbacks(execute=True):
        idea_merge(source=source, target=target, by=product_user)
    assert not queued and Idea.objects.get(pk=source.pk).merged_into_id == target.pk


def test_a_merge_is_kept_in_the_admin_history_with_who_did_it(ideation, product_user, monkeypatch):
    from wagtail.log_actions import LogFormatter, registry
    from wagtail.models import ModelLogEntry

    registry.scan_for_actions()
    if not registry.action_exists(workflow.MERGE_LOG_ACTION):  # until ideas/wagtail_hooks.py registers it
        monkeypatch.setitem(
            registry.formatters,
            workflow.MERGE_LOG_ACTION,
            type("Merged", (LogFormatter,), {"label": "Fusionnée", "message": "Fusionnée"})(),
        )
    source, target = idea(ideation, "Doublon"), idea(ideation, "Original")
    idea_merge(source=source, target=target, by=product_user)
    entry = ModelLogEntry.objects.get(action="ideas.merge")
    assert entry.object_id == str(source.pk) and entry.user == product_user and entry.data["into"] == target.pk
