import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from campaigns.models import Ambassador
from ideas.models import Idea, Moderation, Vote
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
