"""An array of short texts (``surveys.types.array_texts``): one text per row and column, stored one Answer per
cell, never shown in a report (free text: analysts see how many answered, nothing more), exported one column per
cell for those who may see the responses, imported from LimeSurvey's ``;``."""

import pytest
from django.urls import reverse

from reports.survey_stats import survey_results
from surveys.limesurvey import survey_import
from surveys.logic.conditions import answer_tokens
from surveys.models import Answer, Question
from surveys.types import question_type
from surveys.types.base import AnswerValues
from tests.surveys.peers import PEERS
from tests.surveys.types.answering import launched, visit
from tests.surveys.types.conftest import invitations, question, respond

pytestmark = pytest.mark.django_db

ROWS = [("enfant1", "Premier enfant"), ("enfant2", "Deuxième enfant")]
COLUMNS = [("prenom", "Prénom"), ("ecole", "École")]
SECRET = "Zoé <script>alert(1)</script>"


def codes(asked):
    """({choice id: code}, {row id: code}) as expressions are given them."""
    return (
        {choice.pk: choice.code for choice in asked.choices.all()},
        {row.pk: row.code for row in asked.rows.all()},
    )


def test_the_page_asks_one_text_per_cell_and_stores_each_trimmed(client):
    invitation, asked = launched("array_texts", rows=ROWS, choices=COLUMNS, settings={"rows_max": 1})
    url = visit(client, invitation)
    page = client.get(url).content.decode()
    assert "Premier enfant — Prénom" in page and "Deuxième enfant — École" in page
    row1, row2 = asked.rows.all()
    first, second = asked.choices.all()
    name = f"q{asked.pk}_r{row1.pk}_c{first.pk}"
    other = f"q{asked.pk}_r{row2.pk}_c{second.pk}"
    refused = client.post(url, {name: "Zoé", other: "Jaurès", "action": "next"})
    assert (
        refused.status_code == 400 and "Répondez à au plus 1 ligne (vous en avez rempli 2)." in refused.content.decode()
    )
    assert client.post(url, {name: f"  {SECRET} ", other: " ", "action": "next"}).status_code == 302
    assert list(Answer.objects.values_list("row__code", "choice__code", "text")) == [("enfant1", "prenom", SECRET)]


def test_conditions_and_expressions_see_the_cells_filled(survey):
    asked = question(survey, "enfants", "array_texts", rows=ROWS, choices=COLUMNS)
    row1, _row2 = asked.rows.all()
    first, second = asked.choices.all()
    answers = [Answer(row=row1, choice=first, text="Zoé"), Answer(row=row1, choice=second, text="Jaurès")]
    assert answer_tokens(asked, answers) == {"*", "enfant1_prenom", "enfant1_ecole"}
    assert question_type("array_texts").expression_value(asked, answers, *codes(asked)) == (
        ["Zoé", "Jaurès"],
        {"enfant1_prenom": "Zoé", "enfant1_ecole": "Jaurès"},
    )


def test_the_report_shows_how_many_answered_and_never_the_texts(target, survey, settings, client_for, analyst_user):
    settings.PRIVACY_THRESHOLD = 5
    asked = question(survey, "enfants", "array_texts", rows=ROWS, choices=COLUMNS)
    for invitation in invitations(target, 6):
        respond(survey, invitation, {asked: [{"row": "enfant1", "choice": "prenom", "text": SECRET}]})
    result = survey_results(survey)[0]
    assert result.respondents == 6 and result.texts == [] and result.table is None
    assert not question_type("array_texts").keeps_texts(asked)
    page = client_for(analyst_user).get(reverse("reports:campaign", args=[target.pk]))
    assert page.status_code == 200 and "Zoé" not in page.content.decode()


def test_export_has_one_column_per_cell_with_the_text(survey):
    asked = question(survey, "enfants", "array_texts", rows=ROWS, choices=COLUMNS)
    _row1, row2 = asked.rows.all()
    _first, second = asked.choices.all()
    kind = question_type("array_texts")
    assert kind.export_columns(asked)[-1] == "enfants[enfant2_ecole]"
    assert kind.export_cells(asked, [AnswerValues(row2.pk, second.pk, None, None, "Jaurès")], {}) == [
        None,
        None,
        None,
        "Jaurès",
    ]


def test_limesurvey_arrays_become_rows_and_columns():
    survey, _report = survey_import(PEERS / "limesurvey2_sample_survey_english.lss")
    arrays = list(Question.objects.filter(survey=survey, kind="array_texts"))
    assert arrays
    for asked in arrays:
        assert asked.rows.exists() and asked.choices.exists()
