"""The board's lists that every ambassador sees alike are kept in the cache, and the writes that change them
drop them at once (ideas.board)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from campaigns.models import Ambassador
from ideas import board as reads
from ideas.models import Idea, Moderation
from ideas.moderation import content_moderate
from ideas.posting import comment_post, idea_post
from ideas.voting import vote_cast
from ideas.workflow import idea_merge, idea_status_change
from tests.ideas.conftest import idea

pytestmark = pytest.mark.django_db


def titles(board, **filters):
    ideas, _more, _voted = reads.ideas_page(board.campaign, **filters)
    return [found.title for found in ideas]


def test_a_page_of_the_board_is_read_once_for_every_ambassador(board, django_assert_num_queries):
    idea(board, "Virement instantané", moderation=Moderation.APPROVED)
    lea, john = Ambassador.objects.get(email="lea@exemple.fr"), Ambassador.objects.get(email="john@example.com")
    reads.ideas_page(board.campaign, viewer=lea)
    with django_assert_num_queries(1):  # only what is John's own: his votes among the page's ideas
        ideas, _more, voted = reads.ideas_page(board.campaign, viewer=john)
    assert [found.title for found in ideas] == ["Virement instantané"] and voted == set()
    reads.pinned_items(board.campaign)
    with django_assert_num_queries(0):
        assert reads.pinned_items(board.campaign) == []
    with django_assert_num_queries(1):  # another sort is another list, read (no author, no viewer here)
        reads.ideas_page(board.campaign, sort="newest")


def test_search_words_are_never_answered_from_the_cache(board):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    idea(board, "Virement instantané", moderation=Moderation.APPROVED)
    reads.ideas_page(board.campaign, words="virement")
    with CaptureQueriesContext(connection) as captured:
        reads.ideas_page(board.campaign, words="virement")
    assert len(captured) >= 1


def test_posting_commenting_moderating_and_answering_show_on_the_board_at_once(
    board, settings, django_capture_on_commit_callbacks
):
    settings.BOARD_LIST_SECONDS = 3600  # only the writes can make the lists change

    def committed():  # each write's transaction commits (the test runs in one that never does)
        return django_capture_on_commit_callbacks(execute=True)

    lea = Ambassador.objects.get(email="lea@exemple.fr")
    staff = get_user_model().objects.create_user("moderatrice", "m@banque.example", "x" * 16)
    first = idea(board, "Carte gratuite", moderation=Moderation.APPROVED)
    assert titles(board) == ["Carte gratuite"]
    with committed():
        posted = idea_post(board=board, ambassador=lea, title="Agence le samedi")
    assert titles(board, sort="newest") == ["Agence le samedi", "Carte gratuite"]
    assert titles(board) == ["Agence le samedi", "Carte gratuite"]  # the older list of "top" was dropped too
    with committed():
        comment_post(board=board, idea=first, ambassador=lea, body="Oui !")
    assert reads.ideas_page(board.campaign)[0][1].comment_count == 1
    with committed():
        content_moderate(item=posted, decision="hide", reason="Hors sujet", by=staff)
    assert titles(board) == ["Carte gratuite"]
    with committed():
        idea_status_change(idea=first, to_status=Idea.Status.UNDER_REVIEW, answer_fr="À l'étude.", by=staff)
    assert reads.ideas_page(board.campaign)[0][0].status == Idea.Status.UNDER_REVIEW
    with committed():
        duplicate = idea(board, "Carte sans frais", moderation=Moderation.APPROVED)  # saved: shows at once
    assert titles(board, sort="newest") == ["Carte sans frais", "Carte gratuite"]
    with committed():
        idea_merge(source=duplicate, target=first, by=staff)
    assert titles(board) == ["Carte gratuite"]
    assert reads.pinned_items(board.campaign) == []
    Idea.objects.filter(pk=first.pk).update(pinned=True)  # written past the board's functions: the lists stay
    assert reads.pinned_items(board.campaign) == []
    first.refresh_from_db()
    with committed():
        first.save()  # as the admin saves it
    assert [found.title for found in reads.pinned_items(board.campaign)] == ["Carte gratuite"]


def test_vote_counts_catch_up_when_the_lists_expire(board, settings):
    settings.BOARD_LIST_SECONDS = 3600
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    target = idea(board, "Carte gratuite", moderation=Moderation.APPROVED)
    assert reads.ideas_page(board.campaign)[0][0].vote_count == 0
    vote_cast(idea=target, ambassador=lea)
    ideas, _more, voted = reads.ideas_page(board.campaign, viewer=lea)
    assert ideas[0].vote_count == 0 and voted == {target.pk}  # the count lags; the viewer's own vote does not
    cache.clear()  # BOARD_LIST_SECONDS later
    assert reads.ideas_page(board.campaign)[0][0].vote_count == 1


def test_without_a_lifetime_nothing_is_kept(board, settings, django_assert_num_queries):
    settings.BOARD_LIST_SECONDS = 0
    idea(board, "Carte gratuite", moderation=Moderation.APPROVED)
    reads.ideas_page(board.campaign)
    with django_assert_num_queries(1):  # the page, read again (no author here: no badges to read)
        reads.ideas_page(board.campaign)
