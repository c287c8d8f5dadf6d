import pytest
from django.core.exceptions import ValidationError

from ideas.models import AnswerRating, Board, Idea, Moderation
from ideas.questions import answer_rate, question_ask, questions_for
from ideas.voting import vote_cast
from ideas.workflow import idea_status_change
from reports.question_stats import answers_by_rating, questions_by_votes
from tests.campaigns.factories import ambassador, campaign

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def board():
    return Board.objects.create(campaign=campaign(slug="banque-mobile"))


@pytest.fixture
def people():
    return [ambassador(f"personne{number}@exemple.fr") for number in range(7)]


def test_ambassadors_ask_vote_and_the_most_voted_question_comes_first(board, people):
    first = question_ask(board=board, ambassador=people[0], title="Quand l'appli aura-t-elle le mode sombre ?")
    second = question_ask(board=board, ambassador=people[1], title=HOSTILE)
    for person in people[2:5]:
        vote_cast(idea=second, ambassador=person)
    vote_cast(idea=first, ambassador=people[5])
    asked = questions_for(board.campaign, people[6])
    assert [item.question.pk for item in asked] == [second.pk, first.pk]
    assert all(item.answer is None for item in asked)
    assert second.kind == Idea.Kind.ASK and second.title == HOSTILE


def test_a_pre_moderated_board_holds_questions_until_approved(board, people):
    board.moderation = Board.Mode.PRE
    board.save()
    question = question_ask(board=board, ambassador=people[0], title="Et les frais à l'étranger ?")
    assert question.moderation == Moderation.PENDING
    assert questions_for(board.campaign, people[1]) == []
    assert [item.question for item in questions_for(board.campaign, people[0])] == [question]  # the author sees it


def test_an_empty_question_is_refused(board, people):
    with pytest.raises(ValidationError) as error:
        question_ask(board=board, ambassador=people[0], title="   ")
    assert error.value.message_dict == {"title": ["Écrivez votre question."]}


def test_ambassadors_rate_the_official_answer_once_each(board, people, product_user):
    question = question_ask(board=board, ambassador=people[0], title="Le virement instantané sera-t-il gratuit ?")
    answer = idea_status_change(
        idea=question, to_status=Idea.Status.UNDER_REVIEW, answer_fr="Oui, dès le printemps.", by=product_user
    )
    answer_rate(change=answer, ambassador=people[1], useful=False)
    answer_rate(change=answer, ambassador=people[1], useful=True, comment="Merci")  # replaces the first
    assert AnswerRating.objects.get().useful is True
    asked = questions_for(board.campaign, people[1])
    assert asked[0].answer == answer and asked[0].mine.comment == "Merci"
    with pytest.raises(ValidationError):
        answer_rate(change=answer, ambassador=people[2], useful=True, comment="x" * 1001)


def test_an_answer_to_an_idea_cannot_be_rated_as_a_question(board, people, product_user):
    idea = Idea.objects.create(campaign=board.campaign, title="Une idée", author=people[0])
    change = idea_status_change(idea=idea, to_status=Idea.Status.UNDER_REVIEW, answer_fr="Prévue.", by=product_user)
    with pytest.raises(ValidationError):
        answer_rate(change=change, ambassador=people[1], useful=True)


def test_the_report_ranks_questions_by_votes_and_answers_by_rating_with_small_counts_withheld(
    board, people, product_user
):
    popular = question_ask(board=board, ambassador=people[0], title="Populaire")
    quiet = question_ask(board=board, ambassador=people[1], title="Discrète")
    for person in people[1:6]:
        vote_cast(idea=popular, ambassador=person)
    vote_cast(idea=quiet, ambassador=people[2])
    answer = idea_status_change(idea=popular, to_status=Idea.Status.UNDER_REVIEW, answer_fr="Oui.", by=product_user)
    other = idea_status_change(idea=quiet, to_status=Idea.Status.UNDER_REVIEW, answer_fr="Peut-être.", by=product_user)
    for number, person in enumerate(people[1:6]):
        answer_rate(change=answer, ambassador=person, useful=number < 4)
    answer_rate(change=other, ambassador=people[1], useful=True)
    lines = questions_by_votes(board.campaign)
    assert [(line.title, line.votes, line.answered) for line in lines] == [
        ("Populaire", 5, True),
        ("Discrète", None, True),
    ]
    rated = answers_by_rating(board.campaign)
    assert [(line.question, line.ratings, line.useful_percent) for line in rated] == [
        ("Populaire", 5, 80.0),
        ("Discrète", None, None),  # one rating: neither its count nor its share is shown
    ]
