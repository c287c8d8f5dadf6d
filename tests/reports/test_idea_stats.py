from datetime import date

import pytest

from campaigns.models import Ambassador
from reports.idea_stats import ideas_by_status, ranked_ideas, top_contributors, votes_by_day
from reports.pseudonyms import pseudonym
from tests.reports.conftest import HOSTILE

pytestmark = pytest.mark.django_db


def test_ideas_ranked_by_votes(board, django_assert_num_queries):
    with django_assert_num_queries(1):
        ranking = ranked_ideas(board.campaign)
    assert [(idea["title"], idea["votes"]) for idea in ranking] == [
        ("=cmd|' /C calc'!A0", 8),
        (HOSTILE, 2),
        ("Sans votes", 0),
    ]
    assert ranking[0]["status_label"] == "Prévue" and ranking[0]["category"] == "Application"


def test_votes_per_day_withhold_small_days_and_the_day_the_total_would_give_them_back(board, settings):
    assert votes_by_day(board.campaign) == [  # 10 votes in all (the ideas' counts are public): 10 - 6 = 4
        {"day": date(2026, 3, 2), "votes": None},
        {"day": date(2026, 3, 3), "votes": None},
    ]
    settings.PRIVACY_THRESHOLD = 1
    assert [day["votes"] for day in votes_by_day(board.campaign)] == [4, 6]


def test_ideas_by_status_lists_every_status(board):
    counts = {line["status"]: line["ideas"] for line in ideas_by_status(board.campaign)}
    assert counts["planned"] == 1 and counts["new"] == 2 and counts["delivered"] == 0


def test_top_contributors_leave_out_those_who_hid_themselves(board):
    names = [line["name"] for line in top_contributors(board.campaign)]
    first, hidden = (
        Ambassador.objects.get(email="breton.0@exemple.fr"),
        Ambassador.objects.get(email="breton.1@exemple.fr"),
    )
    assert names[0] == pseudonym(board.campaign.pk, first.pk)  # reports name no one (the board does)
    assert pseudonym(board.campaign.pk, hidden.pk) not in names and not any("Breton" in name for name in names)
    assert top_contributors(board.campaign)[0]["score"] == 3 + 2  # an idea and two votes
