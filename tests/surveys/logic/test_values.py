"""The value of an answered question as expressions read it (``surveys.logic.values``)."""

from datetime import date
from decimal import Decimal

from surveys.logic.values import OTHER, answer_value
from surveys.models import Answer, Question

CHOICES = {1: "A", 2: "B", 3: "C"}
ROWS = {10: "r1", 11: "r2"}


def value(kind, answers, allow_other=False):
    return answer_value(Question(kind=kind, allow_other=allow_other), answers, CHOICES, ROWS)


def test_unanswered_is_empty():
    assert value("single", []) == ("", {})
    assert value("multiple", []) == ("", {})


def test_single_choice_is_its_code_and_other_its_text():
    assert value("single", [Answer(choice_id=2)]) == ("B", {"B": "Y"})
    assert value("single", [Answer(text="Au guichet")], allow_other=True) == (OTHER, {"other": "Au guichet"})


def test_multiple_choice_is_a_list_with_a_y_per_selected_code():
    codes, subs = value("multiple", [Answer(choice_id=1), Answer(choice_id=3)])
    assert codes == ["A", "C"] and subs == {"A": "Y", "C": "Y"}
    assert value("multiple", [Answer(choice_id=1)])[0] == ["A"]  # a list, however many are picked


def test_yes_no_is_y_or_n():
    assert value("yes_no", [Answer(number=1)])[0] == "Y"
    assert value("yes_no", [Answer(number=0)])[0] == "N"


def test_numbers_dates_and_texts():
    assert value("number", [Answer(number=Decimal("12.5000"))])[0] == Decimal("12.5")
    assert value("date", [Answer(date=date(2025, 3, 1))])[0] == "2025-03-01"
    assert value("long_text", [Answer(text="Tout")])[0] == "Tout"


def test_matrix_rows_give_their_column_and_the_question_the_rows_answered():
    answers = [Answer(row_id=11, choice_id=3), Answer(row_id=10, choice_id=1)]
    assert value("matrix", answers) == (["r1", "r2"], {"r1": "A", "r2": "C"})


def test_numbers_per_row_give_each_rows_number():
    answers = [Answer(row_id=10, number=Decimal(7)), Answer(row_id=11, number=Decimal(3))]
    assert value("multiple_numeric", answers)[1] == {"r1": Decimal(7), "r2": Decimal(3)}


def test_ranking_lists_codes_by_rank_and_each_rank_its_code():
    codes, subs = value("ranking", [Answer(choice_id=1, number=2), Answer(choice_id=3, number=1)])
    assert codes == ["C", "A"] and subs["1"] == "C" and subs["2"] == "A" and subs["A"] == "Y"
