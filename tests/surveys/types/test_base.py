"""What every type is asked (``surveys.types.base``): the responses table's columns and cells, by default one
column per question holding each answer's value, several joined by " | "."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from reports.exports import responses_table
from surveys.models import Question
from surveys.types import question_type
from surveys.types.base import AnswerValues, FieldContext, decimal_text, plain_number
from tests.surveys.types.conftest import invitations, question, respond

pytestmark = pytest.mark.django_db


def cells_of(asked, rows):
    codes = {choice.pk: choice.code for choice in asked.choices.all()}
    return question_type(asked.kind).export_cells(asked, [AnswerValues(*row) for row in rows], codes)


def test_one_column_named_by_the_code_holds_each_kind_of_value(survey):
    single = question(survey, "canal", "single", choices=["agence", "appli"], allow_other=True)
    agence = single.choices.get(code="agence").pk
    assert question_type("single").export_columns(single) == ["canal"]
    assert cells_of(single, [(None, agence, None, None, "")]) == ["agence"]
    assert cells_of(single, [(None, None, None, None, "=1+1")]) == ["=1+1"]  # the "other" text, as typed
    assert cells_of(single, []) == [None]
    amount = question(survey, "montant", "number")
    assert cells_of(amount, [(None, None, Decimal("12.0000"), None, "")]) == [12]
    assert cells_of(amount, [(None, None, Decimal("12.5000"), None, "")]) == [12.5]
    day = question(survey, "jour", "date")
    assert cells_of(day, [(None, None, None, date(2025, 3, 1), "")]) == [date(2025, 3, 1)]
    yes = question(survey, "client", "yes_no")
    assert cells_of(yes, [(None, None, Decimal(1), None, "")]) == ["oui"]
    assert cells_of(yes, [(None, None, Decimal(0), None, "")]) == ["non"]


def test_several_answers_of_one_question_are_joined_codes_first(survey):
    several = question(survey, "services", "multiple", choices=["carte", "pret"], allow_other=True)
    carte, pret = (choice.pk for choice in several.choices.all())
    rows = [(None, carte, None, None, ""), (None, pret, None, None, ""), (None, None, None, None, "Bourse")]
    assert cells_of(several, rows) == ["carte | pret | Bourse"]


def test_a_displayed_text_has_no_column(survey):
    shown = question(survey, "info", "display")
    assert question_type("display").export_columns(shown) == []


def test_decimal_text_and_plain_number_show_numbers_without_trailing_zeros():
    assert decimal_text(Decimal("100.0000")) == "100" and decimal_text(Decimal("2.5000")) == "2.5"
    assert plain_number(Decimal("9.0000")) == 9 and plain_number(Decimal("0.2500")) == 0.25
    assert plain_number(None) is None


def test_fields_are_required_only_when_the_page_is_checked_fully(survey):
    asked = question(survey, "montant", "number", required=True)
    assert FieldContext([], strict=True).required(asked) is True
    assert FieldContext([], strict=False).required(asked) is False


def every_type(survey):
    question(survey, "usage", "single", choices=["jour", "mois"], allow_other=True)
    question(survey, "fonctions", "multiple", choices=["virement", "budget"], allow_other=True)
    question(survey, "client", "yes_no")
    question(survey, "interet", "scale", points=5)
    question(survey, "clarte", "likert", choices=["1", "2", "3"])
    question(survey, "nps", "nps")
    question(survey, "criteres", "matrix", choices=["1", "2"], rows=["prix", "securite"])
    question(survey, "priorites", "ranking", choices=["alertes", "objectifs"])
    question(survey, "montant", "number")
    question(survey, "jour", "date")
    question(survey, "banque", "short_text")
    question(survey, "idees", "long_text")
    question(survey, "info", "display")
    return {asked.code: asked for asked in Question.objects.filter(survey=survey)}


def test_the_responses_table_takes_its_columns_and_cells_from_the_types(target, survey):
    asked = every_type(survey)
    first, second, unsent = invitations(target, 3)
    respond(
        survey,
        first,
        {
            asked["usage"]: [{"text": "Au guichet"}],
            asked["fonctions"]: [{"choice": "budget"}, {"choice": "virement"}, {"text": "@SUM(A1)"}],
            asked["client"]: [{"number": 1}],
            asked["interet"]: [{"number": 4}],
            asked["clarte"]: [{"choice": "2", "number": 2}],
            asked["nps"]: [{"number": 9}],
            asked["criteres"]: [{"row": "securite", "choice": "2", "number": 2}],
            asked["priorites"]: [{"choice": "objectifs", "number": 1}, {"choice": "alertes", "number": 2}],
            asked["montant"]: [{"number": Decimal("1250.5")}],
            asked["jour"]: [{"date": date(2024, 5, 1)}],
            asked["banque"]: [{"text": "<b>Autre</b>"}],
            asked["idees"]: [{"text": "Plus\nde lignes"}],
        },
    )
    respond(survey, second, {asked["usage"]: [{"choice": "jour"}], asked["client"]: [{"number": 0}]})
    respond(survey, unsent, {asked["usage"]: [{"choice": "mois"}]}, submitted=False)
    table = responses_table(survey)  # in the order of the responses: number, sent at, address, then the answers
    header, lines = table.header[3:], [row[3:] for row in table.rows()]
    assert header == [
        "usage", "fonctions", "client", "interet", "clarte", "nps", "criteres[prix]", "criteres[securite]",
        "priorites[alertes]", "priorites[objectifs]", "montant", "jour", "banque", "idees",
    ]  # fmt: skip
    assert lines == [
        [
            "Au guichet", "budget | virement | @SUM(A1)", "oui", 4, "2", 9, None, "2", 2, 1, 1250.5, date(2024, 5, 1),
            "<b>Autre</b>", "Plus\nde lignes",
        ],
        ["jour", None, "non"] + [None] * 11,
    ]  # fmt: skip


def test_a_setting_the_type_does_not_know_is_refused_by_name(survey):
    asked = question(survey, "montant", "number", settings={"total": "100"})
    assert question_type("number").settings_errors(asked.settings) == {
        "total": "Réglage inconnu de ce type de question : total."
    }
    with pytest.raises(ValidationError, match="Réglage inconnu"):
        asked.full_clean()
