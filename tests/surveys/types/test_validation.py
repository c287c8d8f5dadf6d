"""The answer checks types share (``surveys.types.validation``): integers only, the rows answered of a matrix,
the pattern of a short text (safe to match: nested repetitions refused when saved), with French messages naming
what is wrong."""

import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from surveys.models import Answer
from surveys.types import question_type
from surveys.types.base import FieldContext
from surveys.types.validation import nested_repetition, pattern_check, pattern_problem
from tests.surveys.types.answering import launched, visit
from tests.surveys.types.conftest import question

pytestmark = pytest.mark.django_db

STRICT, LENIENT = FieldContext([], strict=True), FieldContext([], strict=False)


# --- integers only ---------------------------------------------------------------------------------------------


def test_a_number_for_integers_only_refuses_decimals_and_asks_for_digits(survey):
    asked = question(survey, "enfants", "number", settings={"integer_only": True})
    field = question_type("number").fields(asked, STRICT)[f"q{asked.pk}"]
    assert field.clean("3") == Decimal(3) and field.widget.attrs["inputmode"] == "numeric"
    with pytest.raises(ValidationError, match="Saisissez un nombre entier, sans décimales."):
        field.clean("2,5")
    loose = question(survey, "montant", "number")
    assert question_type("number").fields(loose, STRICT)[f"q{loose.pk}"].clean("2,5") == Decimal("2.5")


def test_every_item_of_several_numbers_for_integers_only_refuses_decimals(survey):
    asked = question(survey, "parts", "multiple_numeric", rows=["a", "b"], settings={"integer_only": True})
    for field in question_type("multiple_numeric").fields(asked, STRICT).values():
        assert field.widget.attrs["data-total-of"] == f"q{asked.pk}"
        with pytest.raises(ValidationError, match="nombre entier"):
            field.clean("1.5")


def test_an_ambassador_typing_a_decimal_is_told_on_the_page(client):
    invitation, asked = launched("number", settings={"integer_only": True}, required=True)
    url = visit(client, invitation)
    response = client.post(url, {f"q{asked.pk}": "2,5", "action": "next"})
    assert response.status_code == 400 and "Saisissez un nombre entier" in response.content.decode()
    assert not Answer.objects.exists()


# --- rows answered -----------------------------------------------------------------------------------------------


def test_a_matrix_may_ask_for_a_minimum_and_a_maximum_of_rows_answered(survey):
    asked = question(
        survey, "grille", "matrix", rows=["a", "b", "c"], choices=["1", "2"], settings={"rows_min": 2, "rows_max": 2}
    )
    names = [f"q{asked.pk}_r{row.pk}" for row in asked.rows.all()]
    kind = question_type("matrix")
    assert kind.check(asked, {names[0]: "1"}, STRICT) == [
        (names[0], "Répondez à au moins 2 lignes (vous en avez rempli 1).")
    ]
    assert kind.check(asked, {names[0]: "1"}, LENIENT) == []  # going back: not yet enough is fine
    assert kind.check(asked, dict.fromkeys(names, "2"), LENIENT) == [
        (names[0], "Répondez à au plus 2 lignes (vous en avez rempli 3).")
    ]
    assert kind.check(asked, {names[0]: "1", names[2]: "2"}, STRICT) == []
    assert kind.check(asked, {}, STRICT) == []  # a question left blank is "required"'s business


def test_a_minimum_of_rows_above_the_maximum_is_refused(survey):
    asked = question(survey, "grille", "matrix", rows=["a"], choices=["1"], settings={"rows_min": 3, "rows_max": 1})
    with pytest.raises(ValidationError, match="Le maximum de lignes est inférieur au minimum."):
        asked.full_clean()


# --- patterns ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [r"(a+)+$", r"(a|aa)*b", r"^(\w+\s?)*$", r"((ab)*c)+", r"(x{1,9})*", r"(?:a|b)+", r"(a+){4}", r"(a{2,}){2}"],
)
def test_patterns_whose_matching_time_explodes_are_refused(pattern):
    assert nested_repetition(pattern) is not None
    assert "Expression refusée" in pattern_problem(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        r"^[0-9]{5}$",
        r"^\d{2}( ?\d{2}){4}$",
        r"^[A-Z]{2}\d+$",
        r"(ab)+",
        r"^[(a+)]+$",
        r"\(a+\)+",
        r"^(oui|non)$",
        r"(oui|non){2}",
        r"^(\d{2}){3,4}$",
    ],
)
def test_ordinary_patterns_are_accepted(pattern):
    assert pattern_problem(pattern) is None


def test_an_invalid_or_too_long_pattern_is_refused_saying_where():
    assert pattern_problem("^[0-9") == "Expression invalide (unterminated character set, position 1)."
    assert pattern_problem("a" * 201) == "L'expression dépasse 200 caractères."


def test_a_short_text_refuses_a_text_not_matching_its_pattern_with_its_own_message(survey):
    asked = question(
        survey, "cp", "short_text", settings={"pattern": r"^\d{5}$", "pattern_message": "Un code postal a 5 chiffres."}
    )
    asked.full_clean()
    kind, name = question_type("short_text"), f"q{asked.pk}"
    assert kind.check(asked, {name: "3500"}, STRICT) == [(name, "Un code postal a 5 chiffres.")]
    assert kind.check(asked, {name: " 35000 "}, STRICT) == [] and kind.check(asked, {name: ""}, STRICT) == []
    plain = question(survey, "ref", "short_text", settings={"pattern": "^REF"})
    assert kind.check(plain, {f"q{plain.pk}": "ABC"}, STRICT) == [
        (f"q{plain.pk}", "La réponse n'a pas la forme attendue.")
    ]


def test_an_unsafe_pattern_cannot_be_saved_and_one_stored_anyway_is_not_applied(survey):
    asked = question(survey, "cp", "short_text", settings={"pattern": "(a+)+$"})
    with pytest.raises(ValidationError) as raised:
        asked.full_clean()
    assert "Expression refusée" in str(raised.value.message_dict["settings_pattern"])
    started = time.monotonic()
    assert pattern_check(asked, "a" * 499 + "!") is None  # stored before the checks: never matched
    assert time.monotonic() - started < 0.5


def test_a_long_text_takes_no_pattern(survey):
    asked = question(survey, "avis", "long_text", settings={"pattern": "^x"})
    with pytest.raises(ValidationError, match="Réglage inconnu de ce type de question : pattern"):
        asked.full_clean()


def test_an_ambassador_is_told_the_pattern_on_the_page_and_nothing_is_kept(client):
    invitation, asked = launched("short_text", settings={"pattern": r"^\d{5}$", "pattern_message": "5 chiffres."})
    url = visit(client, invitation)
    response = client.post(url, {f"q{asked.pk}": "<script>x</script>", "action": "next"})
    assert response.status_code == 400 and "5 chiffres." in response.content.decode()
    assert "<script>x</script>" not in response.content.decode()
    assert not Answer.objects.exists()
    assert client.post(url, {f"q{asked.pk}": "35000", "action": "next"}).status_code == 302
    assert Answer.objects.get().text == "35000"
