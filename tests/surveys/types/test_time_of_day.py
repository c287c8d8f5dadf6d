"""A time of day (``surveys.types.time_of_day``): typed in several ways, stored as minutes, shown back, seen by
conditions and expressions as HH:MM, summarised by period of the day under the privacy threshold, exported as
HH:MM."""

import pytest
from django.core.exceptions import ValidationError

from reports.survey_stats import survey_results
from surveys.logic.conditions import answer_tokens
from surveys.models import Answer
from surveys.types import question_type
from surveys.types.base import AnswerValues, FieldContext
from surveys.types.time_of_day import TimeOfDayField
from tests.surveys.types.answering import launched, visit
from tests.surveys.types.conftest import invitations, question, respond

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed, minutes", [("14:30", 870), ("14h30", 870), ("14 h 30", 870), ("9h", 540), ("07.05", 425), ("0:00", 0)]
)
def test_a_time_is_read_however_it_is_typed(typed, minutes):
    assert TimeOfDayField().clean(typed) == minutes


@pytest.mark.parametrize("typed", ["24:00", "12:60", "midi", "12:3", "-1:00"])
def test_what_is_no_time_of_day_is_refused_with_an_example(typed):
    with pytest.raises(ValidationError, match="Saisissez une heure de la journée, par exemple 14:30."):
        TimeOfDayField().clean(typed)


def test_an_ambassador_gives_a_time_it_is_stored_and_shown_back(client):
    invitation, asked = launched("time")
    url = visit(client, invitation)
    page = client.get(url).content.decode()
    assert 'type="time"' in page
    assert client.post(url, {f"q{asked.pk}": "18h45", "action": "later"}).status_code == 302
    assert Answer.objects.get().number == 18 * 60 + 45
    assert 'value="18:45"' in client.get(url).content.decode()


def test_conditions_and_expressions_see_the_time_as_hh_mm(survey):
    asked = question(survey, "heure", "time")
    kind = question_type("time")
    assert answer_tokens(asked, [Answer(number=870)]) == {"*", "14:30"}
    assert kind.expression_value(asked, [Answer(number=425)], {}, {}) == ("07:05", {})
    assert kind.expression_value(asked, [], {}, {}) == ("", {})


def test_the_export_shows_hh_mm(survey):
    asked = question(survey, "heure", "time")
    row = AnswerValues(None, None, 1439, None, "")
    assert question_type("time").export_cells(asked, [row], {}) == ["23:59"]
    assert question_type("time").export_columns(asked) == ["heure"]


def test_results_count_the_periods_of_the_day_and_withhold_small_ones(target, survey, settings):
    settings.PRIVACY_THRESHOLD = 5
    asked = question(survey, "heure", "time")
    hours = [2] * 5 + [8] * 5 + [13] * 5 + [20] * 5
    for invitation, hour in zip(invitations(target, 20), hours):
        respond(survey, invitation, {asked: [{"number": hour * 60 + 15}]})
    result = survey_results(survey)[0]
    assert [(line.code, line.count) for line in result.distribution] == [
        ("night", 5),
        ("morning", 5),
        ("afternoon", 5),
        ("evening", 5),
    ]
    assert result.low is None and result.high is None and result.mean is None
    late = question(survey, "tard", "time")
    for invitation, hour in zip(invitations(target, 8, start=20), [8] * 6 + [23] * 2):
        respond(survey, invitation, {late: [{"number": hour * 60}]})
    counts = {line.code: line.count for line in survey_results(survey)[1].distribution}
    assert counts["evening"] is None  # two people: withheld, and what would give it back with it


def test_fields_follow_the_strict_and_lenient_pages(survey):
    asked = question(survey, "heure", "time", required=True)
    kind = question_type("time")
    assert kind.fields(asked, FieldContext([], strict=True))[f"q{asked.pk}"].required
    assert not kind.fields(asked, FieldContext([], strict=False))[f"q{asked.pk}"].required
