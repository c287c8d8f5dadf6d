"""How ambassadors rated the team's answers to a question, with their comments, on the question's admin pages:
the review page (product team) and the inspect page (moderators, product team); raters named as on the board."""

import pytest
from django.urls import reverse

from campaigns.models import Ambassador
from ideas.models import AnswerRating, Idea, Moderation
from ideas.questions import answer_rate, question_ask
from ideas.workflow import idea_status_change
from tests.admin_pages import refused

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("avis")</script>'


@pytest.fixture
def rated(board, product_user):
    """John's question, answered twice by the team; Léa rated the first answer, then both rated the second."""
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    john = Ambassador.objects.get(email="john@example.com")
    question = question_ask(board=board, ambassador=john, title="Quand arrive le mode sombre ?")
    first = idea_status_change(
        idea=question, to_status=Idea.Status.UNDER_REVIEW, answer_fr="Nous l'étudions.", by=product_user
    )
    answer_rate(change=first, ambassador=lea, useful=False, comment="Trop vague")
    second = idea_status_change(
        idea=question, to_status=Idea.Status.PLANNED, answer_fr="Au printemps.", by=product_user
    )
    answer_rate(change=second, ambassador=lea, useful=True, comment="Enfin une date, merci")
    answer_rate(change=second, ambassador=john, useful=False, comment=HOSTILE)
    AnswerRating.objects.filter(comment=HOSTILE).update(moderation=Moderation.HIDDEN)
    return question


def ratings_section(html):
    start = html.index("data-answer-ratings")
    return " ".join(html[start : html.index("</section>", start)].split())


def test_the_product_team_reads_the_ratings_and_their_comments_on_the_review_page(client_for, product_user, rated):
    page = client_for(product_user).get(reverse("ideas_review:idea", args=[rated.pk]))
    assert page.status_code == 200
    section = ratings_section(page.content.decode())
    assert "Enfin une date, merci" in section and "Trop vague" in section
    assert "&lt;script&gt;" in section and HOSTILE not in section  # a comment is text
    assert section.index("Enfin une date, merci") < section.index("Trop vague")  # the latest answer's first
    assert "Léa M." in section and "John S." in section  # named as on the board
    assert "lea@exemple.fr" not in section and "john@example.com" not in section
    assert "Masquée" in section  # the moderation state of each comment


def test_moderators_read_the_ratings_on_the_questions_inspect_page(client_for, moderator_user, rated):
    client = client_for(moderator_user)
    assert refused(client.get(reverse("ideas_review:idea", args=[rated.pk])))  # they do not answer
    page = client.get(reverse("wagtailsnippets_ideas_idea:inspect", args=[rated.pk]))
    assert page.status_code == 200
    section = ratings_section(page.content.decode())
    assert "Enfin une date, merci" in section and "Trop vague" in section and "Léa M." in section


def test_an_idea_has_no_ratings_section_and_an_unrated_question_says_so(client_for, product_user, board):
    idea = Idea.objects.create(campaign=board.campaign, title="Une idée")
    john = Ambassador.objects.get(email="john@example.com")
    question = question_ask(board=board, ambassador=john, title="Une question")
    client = client_for(product_user)
    assert "data-answer-ratings" not in client.get(reverse("ideas_review:idea", args=[idea.pk])).content.decode()
    page = client.get(reverse("wagtailsnippets_ideas_idea:inspect", args=[question.pk])).content.decode()
    assert "n'a encore noté les réponses" in ratings_section(page).replace("&#x27;", "'")
