import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from campaigns.models import Ambassador, Invitation
from ideas import posting
from ideas.models import Award, Board, Idea, Moderation, Vote
from ideas.voting import TAU, vote_cast, vote_withdraw, votes_left
from tests.campaigns.factories import ambassador
from tests.ideas.conftest import idea

pytestmark = pytest.mark.django_db


def test_one_vote_per_ambassador_and_idea_withdrawable(board):
    target = idea(board)
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    assert vote_cast(idea=target, ambassador=lea) is True
    assert vote_cast(idea=target, ambassador=lea) is False
    target.refresh_from_db()
    assert target.vote_count == 1 and Vote.objects.count() == 1 and target.trend > 0
    assert vote_withdraw(idea=target, ambassador=lea) is True
    assert vote_withdraw(idea=target, ambassador=lea) is False
    target.refresh_from_db()
    assert target.vote_count == 0 and target.trend == 0 and not Vote.objects.exists()


def test_the_budget_limits_votes_per_ambassador_on_the_campaign(board):
    board.vote_budget = 2
    board.save()
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    first, second, third = (idea(board, f"Idée {n}") for n in range(3))
    vote_cast(idea=first, ambassador=lea, board=board)
    vote_cast(idea=second, ambassador=lea, board=board)
    assert votes_left(board=board, ambassador=lea) == 0
    with pytest.raises(ValidationError, match="utilisé vos 2 votes"):
        vote_cast(idea=third, ambassador=lea, board=board)
    vote_withdraw(idea=first, ambassador=lea)
    assert vote_cast(idea=third, ambassador=lea, board=board) is True


@pytest.mark.parametrize("change", [{"moderation": Moderation.PENDING}, {"moderation": Moderation.HIDDEN}])
def test_unpublished_ideas_take_no_votes(board, change):
    target = idea(board, **change)
    with pytest.raises(ValidationError):
        vote_cast(idea=target, ambassador=Ambassador.objects.get(email="lea@exemple.fr"))


def test_recent_votes_weigh_more_in_the_trending_order(board):
    now = timezone.now()
    old, recent = idea(board, "Ancienne"), idea(board, "Récente")
    voters = [ambassador(f"v{n}@exemple.fr") for n in range(3)]
    for voter in voters:  # three votes ten days ago
        vote_cast(idea=old, ambassador=voter, now=now - timezone.timedelta(days=10))
    vote_cast(idea=recent, ambassador=voters[0], now=now)  # one vote now outweighs them (e^(10/3) > 3)
    order = list(Idea.objects.order_by("-trend").values_list("title", flat=True))
    assert order == ["Récente", "Ancienne"]
    assert list(Idea.objects.order_by("-vote_count").values_list("title", flat=True)) == ["Ancienne", "Récente"]
    assert TAU == 3 * 24 * 3600.0


def test_a_vote_through_an_invitation_marks_it_answered_and_earns_its_badge(board, invitation):
    target = idea(board)
    assert vote_cast(idea=target, ambassador=invitation.ambassador, board=board, invitation=invitation)
    target.refresh_from_db()
    invitation.refresh_from_db()
    assert target.vote_count == 1 and target.trend > 0 and invitation.responded_at is not None
    assert Award.objects.filter(ambassador=invitation.ambassador, badge=Award.Badge.FIRST_VOTE).exists()


def test_a_vote_whose_badges_fail_leaves_no_vote_count_nor_answer(board, invitation, monkeypatch):
    def refused(**kwargs):
        raise RuntimeError("badges out of order")

    monkeypatch.setattr(posting, "awards_grant_vote", refused)  # the badges a vote can earn
    target = idea(board)
    with pytest.raises(RuntimeError):
        vote_cast(idea=target, ambassador=invitation.ambassador, board=board, invitation=invitation)
    target.refresh_from_db()
    invitation.refresh_from_db()
    assert not Vote.objects.exists() and target.vote_count == 0 and target.trend == 0
    assert invitation.responded_at is None and not Award.objects.exists()


def test_a_second_vote_for_the_same_idea_writes_nothing_more(board, invitation):
    target = idea(board)
    vote_cast(idea=target, ambassador=invitation.ambassador, board=board, invitation=invitation)
    Invitation.objects.filter(pk=invitation.pk).update(responded_at=None)
    assert vote_cast(idea=target, ambassador=invitation.ambassador, board=board, invitation=invitation) is False
    invitation.refresh_from_db()
    assert invitation.responded_at is None and Idea.objects.get().vote_count == 1


def test_a_vote_on_a_board_without_its_row_yet_makes_it(board, invitation):
    campaign = board.campaign
    Board.objects.filter(pk=board.pk).delete()
    target = idea(board)
    assert vote_cast(idea=target, ambassador=invitation.ambassador, board=Board(campaign=campaign))
    assert Board.objects.get().campaign == campaign


@pytest.mark.skipif(connection.vendor == "sqlite", reason="concurrent writers are tested on PostgreSQL (.ci/run)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_hundred_concurrent_votes_on_one_idea_are_all_counted(board):
    from django.db import connections

    target = idea(board)
    Ambassador.objects.bulk_create(Ambassador(email=f"voter{n}@exemple.fr") for n in range(200))
    voters = list(Ambassador.objects.filter(email__startswith="voter"))
    barrier = threading.Barrier(40)
    errors = []

    def cast(group):
        try:
            barrier.wait()
            for voter in group:
                vote_cast(idea=target, ambassador=voter)
                vote_cast(idea=target, ambassador=voter)  # a second click changes nothing
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast, args=(voters[n::40],)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    target.refresh_from_db()
    assert target.vote_count == 200 == Vote.objects.filter(idea=target).count()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="concurrent writers are tested on PostgreSQL (.ci/run)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_votes_through_invitations_are_all_counted_answered_and_badged(board):
    """As the board's views vote: through each voter's invitation, within a budget, on two ideas at once (the
    badges, the top contributors among them, computed in each vote's transaction)."""
    from django.db import connections

    board.vote_budget = 3
    board.save()
    ideas = [idea(board, "Première"), idea(board, "Seconde")]
    Ambassador.objects.bulk_create(Ambassador(email=f"voter{n}@exemple.fr") for n in range(80))
    voters = list(Ambassador.objects.filter(email__startswith="voter"))
    Invitation.objects.bulk_create(
        Invitation(campaign=board.campaign, ambassador=voter, token=f"{voter.pk:064x}") for voter in voters
    )
    invitations = list(Invitation.objects.filter(ambassador__in=voters).select_related("ambassador", "campaign"))
    barrier = threading.Barrier(20)
    errors = []

    def cast(group):
        try:
            barrier.wait()
            for invitation in group:
                for target in [*ideas, ideas[0]]:  # the third vote is a second click on the first idea
                    vote_cast(idea=target, ambassador=invitation.ambassador, board=board, invitation=invitation)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast, args=(invitations[n::20],)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for target in ideas:
        target.refresh_from_db()
        assert target.vote_count == 80 == Vote.objects.filter(idea=target).count()
    assert Invitation.objects.filter(ambassador__in=voters, responded_at__isnull=False).count() == 80
    assert Award.objects.filter(badge=Award.Badge.FIRST_VOTE).count() == 80


def test_the_ballot_reads_what_the_orm_defines(board):
    """ideas.vote_sql's hand-written query holds to the ORM's definitions: what a viewer sees
    (ideas.board.ideas_seen) and the facts behind the badges a vote can earn (ideas.badges.vote_facts)."""
    from ideas.badges import vote_facts
    from ideas.board import ideas_seen
    from ideas.models import Comment
    from ideas.voting import ballot

    lea, john = Ambassador.objects.get(email="lea@exemple.fr"), Ambassador.objects.get(email="john@example.com")
    shown = [idea(board, f"Publiée {n}", moderation=Moderation.APPROVED, author=lea) for n in range(2)]
    own = idea(board, "En attente", moderation=Moderation.PENDING, author=lea)
    hidden = idea(board, "Masquée", moderation=Moderation.HIDDEN, author=lea)
    Comment.objects.create(idea=shown[0], author=lea, body="Oui", moderation=Moderation.APPROVED)
    vote_cast(idea=shown[0], ambassador=lea)
    Award.objects.create(ambassador=lea, badge=Award.Badge.FIRST_VOTE)
    for viewer in (lea, john):
        for target in [*shown, own, hidden]:
            found = ballot(board.campaign, target.pk, viewer)
            assert (found is not None) == ideas_seen(board.campaign, viewer).filter(pk=target.pk).exists()
        facts = Ambassador.objects.filter(pk=viewer.pk).annotate(**vote_facts(board.campaign, viewer.pk))
        expected = facts.values("held_first_vote", "held_top", "score").get()
        found = ballot(board.campaign.pk, shown[1].pk, viewer)
        assert {name: getattr(found, name) for name in expected} == expected
        assert found.used == Vote.objects.filter(ambassador=viewer).count() and found.voted is False
    assert ballot(board.campaign, shown[0].pk, lea).voted is True


@pytest.mark.skipif(connection.vendor == "sqlite", reason="the one-statement vote is PostgreSQL's")
def test_the_vote_statement_counts_the_trend_as_the_orm_does(board):
    from django.db.models import F

    from ideas.voting import trend_added

    target = idea(board, moderation=Moderation.APPROVED)
    moments = [timezone.now() - timezone.timedelta(days=days) for days in (4, 1, 0)]
    for number, moment in enumerate(moments):
        expected = Idea.objects.filter(pk=target.pk).annotate(t=trend_added(F("trend"), moment)).values("t").get()
        vote_cast(idea=target, ambassador=ambassador(f"t{number}@exemple.fr"), now=moment)
        target.refresh_from_db()
        assert target.trend == pytest.approx(expected["t"], rel=1e-12) and target.vote_count == number + 1


def test_a_ballots_idea_follows_its_vote_and_a_budget_spent_meanwhile_refuses_it(board):
    from ideas.voting import ballot, ballot_state

    board.vote_budget = 1
    board.save()
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    first, second = (idea(board, f"Idée {n}", moderation=Moderation.APPROVED) for n in range(2))
    read = ballot(board.campaign, first.pk, lea)
    late = ballot(board.campaign, second.pk, lea)  # read before the first vote: the budget looked free
    assert vote_cast(idea=read, ambassador=lea, board=board) is True
    assert ballot_state(read, board) == {"votes": 1, "voted": True, "votes_left": 0}
    with pytest.raises(ValidationError, match="utilisé vos 1 votes"):
        vote_cast(idea=late, ambassador=lea, board=board)
    assert Vote.objects.filter(ambassador=lea).count() == 1
