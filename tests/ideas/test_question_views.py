import pytest
from django.urls import reverse

from campaigns.models import Ambassador
from ideas.models import AnswerRating, Idea
from ideas.questions import question_ask
from ideas.workflow import idea_status_change

pytestmark = pytest.mark.django_db
SLUG = "banque-mobile"
HOSTILE = '<script>alert("x")</script>'


def page_url():
    return reverse("ideas:questions", args=[SLUG])


def test_an_invited_ambassador_asks_votes_and_rates_the_answer(visitor, board, product_user):
    assert visitor.post(page_url(), {"title": HOSTILE, "body": "Précisions"}).status_code == 302
    asked = Idea.objects.get(kind=Idea.Kind.ASK)
    john = Ambassador.objects.get(email="john@example.com")
    other = question_ask(board=board, ambassador=john, title="Et le mode sombre ?")
    assert visitor.post(reverse("ideas:question_vote", args=[SLUG, other.pk])).status_code == 302
    other.refresh_from_db()
    assert other.vote_count == 1
    answer = idea_status_change(
        idea=other, to_status=Idea.Status.UNDER_REVIEW, answer_fr="Nous y travaillons.", by=product_user
    )
    rated = visitor.post(reverse("ideas:answer_rating", args=[SLUG, answer.pk]), {"useful": "1", "comment": "Merci"})
    assert rated.status_code == 302
    assert AnswerRating.objects.get().useful is True
    page = visitor.get(page_url()).content.decode()
    assert "Nous y travaillons." in page and "&lt;script&gt;" in page and HOSTILE not in page
    assert page.index("Et le mode sombre ?") < page.index("&lt;script&gt;")  # most voted first
    assert asked.author.email == "lea@exemple.fr"


def test_a_visitor_without_an_invitation_can_neither_ask_nor_rate(client, board, product_user):
    john = Ambassador.objects.get(email="john@example.com")
    question = question_ask(board=board, ambassador=john, title="Une question")
    answer = idea_status_change(idea=question, to_status=Idea.Status.UNDER_REVIEW, answer_fr="Oui.", by=product_user)
    assert client.post(page_url(), {"title": "Intrus"}).status_code == 403
    assert client.post(reverse("ideas:answer_rating", args=[SLUG, answer.pk]), {"useful": "1"}).status_code == 403
    assert not Idea.objects.filter(title="Intrus").exists() and not AnswerRating.objects.exists()


def test_an_idea_cannot_be_voted_on_through_the_questions_page(visitor, board):
    john = Ambassador.objects.get(email="john@example.com")
    idea = Idea.objects.create(campaign=board.campaign, title="Une idée", author=john)
    assert visitor.post(reverse("ideas:question_vote", args=[SLUG, idea.pk])).status_code == 404


def test_the_questions_page_shows_the_visitors_vote_and_takes_it_back(visitor, board):
    """Found by the programme's browser journey: once voted, the page still offered « Je veux aussi savoir », with
    no sign that the vote counted and no way to take it back; every button had the same name."""
    john = Ambassador.objects.get(email="john@example.com")
    question = question_ask(board=board, ambassador=john, title="Et le mode sombre ?")
    vote_url = reverse("ideas:question_vote", args=[SLUG, question.pk])
    assert 'aria-label="Je veux aussi savoir : « Et le mode sombre ? »"' in visitor.get(page_url()).content.decode()
    page = visitor.post(vote_url, follow=True).content.decode()
    assert "Votre vote pour « Et le mode sombre ? » est compté." in page
    assert 'aria-label="Retirer mon vote pour « Et le mode sombre ? »"' in page and "Je veux aussi savoir" not in page
    page = visitor.post(vote_url, {"action": "withdraw"}, follow=True).content.decode()
    assert "Votre vote pour « Et le mode sombre ? » est retiré." in page
    assert 'aria-label="Je veux aussi savoir : « Et le mode sombre ? »"' in page
    question.refresh_from_db()
    assert question.vote_count == 0
