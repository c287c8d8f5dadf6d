"""The steps of an ambassador's journey in a campaign's first hour, each pinned to a number of queries that does
not grow with the campaign (bench/load.py's journey): personal link, campaign page, survey start, a survey page
saved and the next shown, the last page submitted, the board, a vote (as the page's script sends it)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from ideas.models import Board, Idea, Vote
from surveys.models import Choice, Question, Response, Section, Survey
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db
SLUG = "banque-mobile"


@pytest.fixture
def journey(db, client):
    """Léa, invited to a survey-and-ideas campaign (two survey pages, a board of ideas), then others, so that
    counts cannot grow with the audience unnoticed."""
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    for number in range(5):
        ambassador(f"autre{number}@exemple.fr", region="bre")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.BOTH)
    survey = Survey.objects.create(campaign=target, title_fr="Votre banque")
    first, second = (Section.objects.create(survey=survey, sort_order=n, title_fr=f"Page {n + 1}") for n in range(2))
    usage = Question.objects.create(
        survey=survey, section=first, code="usage", required=True, kind=Question.Kind.SINGLE, text_fr="Usage ?"
    )
    for order, code in enumerate(("jour", "semaine", "mois")):
        Choice.objects.create(question=usage, sort_order=order, code=code, label_fr=code)
    word = Question.objects.create(
        survey=survey, section=first, sort_order=1, code="mot", kind=Question.Kind.SHORT_TEXT, text_fr="Un mot ?"
    )
    note = Question.objects.create(
        survey=survey, section=second, code="note", required=True, kind=Question.Kind.NPS, text_fr="Note ?"
    )
    campaign_launch(target)
    Board.objects.create(campaign=target)
    ideas = [Idea.objects.create(campaign=target, title=f"Idée {number}") for number in range(25)]
    invitation = Invitation.objects.get(ambassador__email="lea@exemple.fr")
    return {"client": client, "invitation": invitation, "usage": usage, "word": word, "note": note, "ideas": ideas}


def test_each_step_of_the_journey_takes_a_fixed_number_of_queries(journey, django_assert_max_num_queries):
    client, invitation = journey["client"], journey["invitation"]
    with django_assert_max_num_queries(3):  # the click counted, the visit started; the guessing limit in memory
        link = client.get(reverse("campaigns:personal_link", args=[invitation.token]))
    assert link.status_code == 302
    with django_assert_max_num_queries(4):  # the invitation with its campaign, its page and destinations (then
        # kept), the visitor's tier and the campaign's reserved ones (programme_status)
        assert client.get(link["Location"]).status_code == 200  # the campaign's page (no published page here)
    with django_assert_max_num_queries(2):  # the next visitor's: the invitation, the tiers
        assert client.get(link["Location"]).status_code == 200
    page_one = reverse("surveys:page", args=[SLUG, 1])
    with django_assert_max_num_queries(6):  # the visit, the response, the survey's pages, questions, choices, rows
        start = client.get(reverse("surveys:start", args=[SLUG]))  # the page to resume at, shown at once
    assert start.status_code == 200 and f'action="{page_one}"' in start.content.decode()
    # the response read with its answers (surveys.answering.response_read): no query more when there are some
    with django_assert_max_num_queries(2):  # the next visitor's: the structure now in the cache
        assert client.get(reverse("surveys:start", args=[SLUG])).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(page_one).status_code == 200
    answers = {f"q{journey['usage'].pk}": "jour", f"q{journey['word'].pk}": "vite"}
    with django_assert_max_num_queries(7):  # the visit; in a transaction, the response read locked (none yet),
        # created with its page (an upsert), the answers replaced
        saved = client.post(page_one, {**answers, "action": "next"})
    assert saved["Location"] == reverse("surveys:page", args=[SLUG, 2])
    with django_assert_max_num_queries(2):  # the visit, the response joined to its answers
        assert client.get(saved["Location"]).status_code == 200
    with django_assert_max_num_queries(8):  # the visit; in a transaction, the response locked and its answers
        # read, the page's answers added (none saved to delete), the response's page and submission in one
        # statement, the invitation answered
        submitted = client.post(reverse("surveys:page", args=[SLUG, 2]), {f"q{journey['note'].pk}": 9})
    assert submitted["Location"] == reverse("surveys:thanks", args=[SLUG])
    with django_assert_max_num_queries(2):
        assert client.get(submitted["Location"]).status_code == 200
    with django_assert_max_num_queries(6):  # the visit, the board's lists (categories, a page, pins: then kept),
        # the counts and the visitor's votes and pending ideas, the visitor's tier (badge, early access)
        assert client.get(reverse("ideas:board", args=[SLUG])).status_code == 200
    with django_assert_max_num_queries(3):  # the next visitor's: the lists and cards now in the cache
        assert client.get(reverse("ideas:board", args=[SLUG])).status_code == 200
    target = journey["ideas"][3]
    with django_assert_max_num_queries(6):  # the visit, the idea and the voter's facts, the vote and its count in
        # one statement, the first-vote badge in the same transaction (BEGIN, COMMIT)
        vote = client.post(
            reverse("ideas:vote", args=[SLUG, target.pk]), {"action": "vote"}, HTTP_ACCEPT="application/json"
        )
    assert vote.json()["votes"] == 1
    with django_assert_max_num_queries(3):  # the answered invitation is not written again, nor a badge
        client.post(
            reverse("ideas:vote", args=[SLUG, journey["ideas"][4].pk]),
            {"action": "vote"},
            HTTP_ACCEPT="application/json",
        )
    with django_assert_max_num_queries(2):  # a second click: the visit and the idea, nothing written
        again = client.post(
            reverse("ideas:vote", args=[SLUG, target.pk]), {"action": "vote"}, HTTP_ACCEPT="application/json"
        )
    assert again.json() == {"votes": 1, "voted": True, "votes_left": None}
    response = Response.objects.get(invitation=invitation)
    assert response.submitted_at is not None and response.answers.count() == 3
    assert Vote.objects.filter(ambassador=invitation.ambassador).count() == 2
    invitation.refresh_from_db()
    assert invitation.responded_at <= timezone.now()


def test_a_survey_edited_shows_on_the_next_page_at_once(journey):
    client, invitation = journey["client"], journey["invitation"]
    client.get(reverse("campaigns:personal_link", args=[invitation.token]))
    page = reverse("surveys:page", args=[SLUG, 1])
    assert "Usage ?" in client.get(page).content.decode()  # the structure now in the cache
    journey["usage"].text_fr = "Votre usage ?"
    journey["usage"].save()
    Choice.objects.create(question=journey["usage"], sort_order=9, code="jamais", label_fr="Jamais de la vie")
    shown = client.get(page).content.decode()
    assert "Votre usage ?" in shown and "Jamais de la vie" in shown
    Choice.objects.filter(code="jamais").delete()
    assert "Jamais de la vie" not in client.get(page).content.decode()
