"""An array of numbers (``surveys.types.array_numbers``): one number per row and column, the total and the rows
answered checked, stored one Answer per cell, summarised by cell under the privacy threshold, exported one column
per cell, imported from LimeSurvey's ``:``."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.survey_stats import survey_results
from surveys.limesurvey import survey_import
from surveys.logic.conditions import answer_tokens
from surveys.models import Answer, Question
from surveys.types import question_type
from surveys.types.base import AnswerValues, FieldContext
from tests.surveys.peers import PEERS
from tests.surveys.types.answering import launched, visit
from tests.surveys.types.conftest import invitations, question, respond

pytestmark = pytest.mark.django_db

ROWS = [("pret", "Prêt <b>auto</b>"), ("epargne", "Épargne")]
COLUMNS = [("2025", "2025"), ("2026", "2026")]


def codes(asked):
    """({choice id: code}, {row id: code}) as expressions are given them."""
    return (
        {choice.pk: choice.code for choice in asked.choices.all()},
        {row.pk: row.code for row in asked.rows.all()},
    )


def cells(asked):
    """{"row_column": field name}."""
    return {
        f"{row.code}_{column.code}": f"q{asked.pk}_r{row.pk}_c{column.pk}"
        for row in asked.rows.all()
        for column in asked.choices.all()
    }


def test_the_page_asks_one_labelled_number_per_cell_and_stores_each(client):
    invitation, asked = launched("array_numbers", rows=ROWS, choices=COLUMNS, settings={"integer_only": True})
    url = visit(client, invitation)
    page = client.get(url).content.decode()
    assert page.count('inputmode="numeric"') == 4 and "Prêt &lt;b&gt;auto&lt;/b&gt; — 2025" in page
    names = cells(asked)
    response = client.post(url, {names["pret_2025"]: "1 200", names["epargne_2026"]: "300", "action": "next"})
    assert response.status_code == 302
    stored = Answer.objects.order_by("row__sort_order", "choice__sort_order")
    assert [(answer.row.code, answer.choice.code, answer.number) for answer in stored] == [
        ("pret", "2025", Decimal(1200)),
        ("epargne", "2026", Decimal(300)),
    ]


def test_a_decimal_in_an_integer_array_is_refused_on_its_cell(client):
    invitation, asked = launched("array_numbers", rows=ROWS, choices=COLUMNS, settings={"integer_only": True})
    url = visit(client, invitation)
    response = client.post(url, {cells(asked)["pret_2025"]: "1,5", "action": "next"})
    assert response.status_code == 400 and "nombre entier" in response.content.decode()


def test_the_total_and_the_rows_answered_are_checked(survey):
    asked = question(
        survey, "budget", "array_numbers", rows=ROWS, choices=COLUMNS, settings={"total": "100", "rows_min": 2}
    )
    names, kind = cells(asked), question_type("array_numbers")
    first = names["pret_2025"]
    context = FieldContext(list(asked.choices.all()))
    assert kind.check(asked, {first: Decimal(60)}, context) == [
        (first, "Répondez à au moins 2 lignes (vous en avez rempli 1)."),
        (first, "Le total doit faire 100 : il fait 60."),
    ]
    assert kind.check(asked, {first: Decimal(60), names["epargne_2026"]: Decimal(40)}, context) == []


def test_totals_with_a_minimum_and_an_imposed_total_together_are_refused(survey):
    asked = question(
        survey, "budget", "array_numbers", rows=ROWS, choices=COLUMNS, settings={"total": "100", "total_min": "1"}
    )
    with pytest.raises(Exception, match="Un total imposé exclut un minimum"):
        asked.full_clean()


def test_conditions_and_expressions_see_each_cell(survey):
    asked = question(survey, "budget", "array_numbers", rows=ROWS, choices=COLUMNS)
    pret, epargne = asked.rows.all()
    first, second = asked.choices.all()
    answers = [Answer(row=pret, choice=first, number=5), Answer(row=epargne, choice=second, number=0)]
    assert answer_tokens(asked, answers) == {"*", "pret_2025", "5"}
    assert question_type("array_numbers").expression_value(asked, answers, *codes(asked)) == (
        Decimal(5),
        {"pret_2025": Decimal(5), "epargne_2026": Decimal(0)},
    )


def test_export_has_one_column_per_cell(survey):
    asked = question(survey, "budget", "array_numbers", rows=ROWS, choices=COLUMNS)
    pret, _epargne = asked.rows.all()
    first, _second = asked.choices.all()
    kind = question_type("array_numbers")
    assert kind.export_columns(asked) == [
        "budget[pret_2025]",
        "budget[pret_2026]",
        "budget[epargne_2025]",
        "budget[epargne_2026]",
    ]
    assert kind.export_cells(asked, [AnswerValues(pret.pk, first.pk, Decimal("12.5"), None, "")], {}) == [
        12.5,
        None,
        None,
        None,
    ]


def test_results_give_each_cell_its_mean_only_when_enough_answered_it(target, survey, settings):
    settings.PRIVACY_THRESHOLD = 5
    asked = question(survey, "budget", "array_numbers", rows=ROWS, choices=COLUMNS)
    for index, invitation in enumerate(invitations(target, 6)):
        given = [{"row": "pret", "choice": "2025", "number": 10 + index}]
        if index < 2:
            given.append({"row": "epargne", "choice": "2026", "number": 1000})
        respond(survey, invitation, {asked: given})
    result = survey_results(survey)[0]
    lines = {line["code"]: line["cells"] for line in result.table["rows"]}
    assert lines["pret"] == [pytest.approx(12.5), None]
    assert lines["epargne"] == [None, None]
    assert result.table["columns"] == ["Moyenne : 2025", "Moyenne : 2026"]


def test_limesurvey_arrays_become_rows_and_columns():
    survey, _report = survey_import(PEERS / "limesurvey2_sample_survey_english.lss")
    arrays = list(Question.objects.filter(survey=survey, kind="array_numbers"))
    assert arrays
    for asked in arrays:
        assert asked.rows.exists() and asked.choices.exists()


def admin_form(survey, **values):
    """The admin's question form for an array of numbers with ``ROWS`` and ``COLUMNS``."""
    data = {
        "survey": survey.pk,
        "section": survey.sections.get().pk,
        "sort_order": "0",
        "code": "budget",
        "kind": "array_numbers",
        "text_fr": "Votre budget",
        "show_if_values": "",
    }
    for prefix, options in (("rows", ROWS), ("choices", COLUMNS)):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(options)),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, (code, label) in enumerate(options):
            data.update(
                {
                    f"{prefix}-{index}-code": code,
                    f"{prefix}-{index}-label_fr": label,
                    f"{prefix}-{index}-label_en": "",
                    f"{prefix}-{index}-ORDER": str(index + 1),
                    f"{prefix}-{index}-id": "",
                    f"{prefix}-{index}-DELETE": "",
                }
            )
    for name in ("text_en", "help_fr", "help_en", "low_label_fr", "low_label_en", "high_label_fr", "high_label_en"):
        data[name] = ""
    data.update(values)
    return data


def test_product_team_creates_an_array_with_its_rules_in_the_admin(client_for, product_user, survey):
    client = client_for(product_user)
    form = client.get(reverse("wagtailsnippets_surveys_question:add")).content.decode()
    assert "Tableau de nombres (lignes × colonnes)" in form
    for name in ("integer_only", "rows_min", "rows_max", "total_max", "pattern"):
        assert f'name="settings_{name}"' in form
    data = admin_form(survey, settings_integer_only="on", settings_rows_min="1", settings_total_max="1000")
    response = client.post(reverse("wagtailsnippets_surveys_question:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Question.objects.get(code="budget")
    assert created.settings == {"integer_only": True, "rows_min": 1, "total_max": "1000"}
    assert created.rows.count() == 2 and created.choices.count() == 2


def test_a_pattern_on_an_array_is_not_kept_and_a_bad_rule_is_refused_saying_why(client_for, product_user, survey):
    client = client_for(product_user)
    data = admin_form(survey, settings_pattern="^x", settings_rows_min="3", settings_rows_max="1")
    response = client.post(reverse("wagtailsnippets_surveys_question:add"), data)
    assert response.status_code == 200 and not Question.objects.exists()
    assert "Le maximum de lignes est inférieur au minimum." in html.unescape(response.content.decode())
    assert client.post(reverse("wagtailsnippets_surveys_question:add"), admin_form(survey, settings_pattern="^x"))
    assert Question.objects.get(code="budget").settings == {}


def test_an_array_of_one_column_lets_expressions_name_the_row_alone(survey):
    asked = question(survey, "budget", "array_numbers", rows=ROWS, choices=[("montant", "Montant")])
    pret, _epargne = asked.rows.all()
    answers = [Answer(row=pret, choice=asked.choices.get(), number=12)]
    value, subs = question_type("array_numbers").expression_value(asked, answers, *codes(asked))
    assert value == 12 and subs == {"pret_montant": 12, "pret": 12}
    assert question_type("array_numbers").expression_value(asked, [], *codes(asked)) == ("", {})
