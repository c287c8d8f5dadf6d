"""Matrix questions (``surveys.types.matrix``): one export column per row, holding the column's code."""

import pytest

from surveys.types import question_type
from surveys.types.base import AnswerValues
from tests.surveys.types.conftest import question

pytestmark = pytest.mark.django_db


def test_a_matrix_exports_one_column_per_row_with_the_choice_code(survey):
    matrix = question(survey, "criteres", "matrix", choices=["faible", "forte"], rows=["prix", "securite"])
    kind = question_type("matrix")
    assert kind.export_columns(matrix) == ["criteres[prix]", "criteres[securite]"]
    codes = {choice.pk: choice.code for choice in matrix.choices.all()}
    securite, forte = matrix.rows.get(code="securite").pk, matrix.choices.get(code="forte").pk
    assert kind.export_cells(matrix, [AnswerValues(securite, forte, 2, None, "")], codes) == [None, "forte"]


def test_matrix_tokens_are_the_codes_of_the_columns_picked(survey):
    matrix = question(survey, "criteres", "matrix", choices=["Faible", "Forte"], rows=["prix"])
    forte = matrix.choices.get(code="Forte").pk
    assert question_type("matrix").tokens(matrix, [AnswerValues(None, forte, 2, None, "")]) == {"forte"}
