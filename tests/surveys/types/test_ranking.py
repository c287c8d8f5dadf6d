"""Ranking questions (``surveys.types.ranking``): one export column per choice, holding its rank."""

import pytest

from surveys.types import question_type
from surveys.types.base import AnswerValues, FieldContext
from tests.surveys.types.conftest import question

pytestmark = pytest.mark.django_db


def test_a_ranking_exports_one_column_per_choice_with_its_rank(survey):
    ranking = question(survey, "priorites", "ranking", choices=["alertes", "objectifs", "categories"])
    kind = question_type("ranking")
    assert kind.export_columns(ranking) == ["priorites[alertes]", "priorites[objectifs]", "priorites[categories]"]
    alertes, objectifs, _categories = (choice.pk for choice in ranking.choices.all())
    rows = [AnswerValues(None, objectifs, 1, None, ""), AnswerValues(None, alertes, 2, None, "")]
    assert kind.export_cells(ranking, rows, {}) == [2, 1, None]


def test_ranks_must_start_at_one_and_never_repeat(survey):
    ranking = question(survey, "priorites", "ranking", choices=["alertes", "objectifs"])
    context = FieldContext(list(ranking.choices.all()))
    kind = question_type("ranking")
    first, second = (f"q{ranking.pk}_c{choice.pk}" for choice in ranking.choices.all())
    assert kind.check(ranking, {first: "1", second: "1"}, context) == [
        (first, "Chaque rang ne peut servir qu'une fois.")
    ]
    assert kind.check(ranking, {first: "2", second: ""}, context) == [
        (first, "Classez à partir de 1, sans sauter de rang.")
    ]
    assert kind.check(ranking, {first: "2", second: "1"}, context) == []
