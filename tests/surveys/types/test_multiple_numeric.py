"""Several numbers as one question (``surveys.types.multiple_numeric``): created in the admin with its items
and total, answered through the personal link (the total checked), summarised under the privacy threshold,
exported one column per item, imported from LimeSurvey's multiple numeric (K)."""

import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from reports.exports.sources.summary import summary_rows
from reports.report import campaign_report
from reports.survey_stats import survey_results
from surveys.limesurvey import survey_import
from surveys.logic.conditions import answer_tokens
from surveys.models import Answer, Question, Response, Section, Survey
from surveys.types import question_type
from surveys.types.base import AnswerValues, FieldContext
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.surveys.peers import PEERS
from tests.surveys.types.conftest import invitations, question, respond

pytestmark = pytest.mark.django_db

SERVICES = [
    ("carte", "La carte"),
    ("appli", "L'appli <b>mobile</b>"),
    ("agence", "L'agence"),
    ("conseil", "Le conseiller"),
    ("epargne", "L'épargne"),
]


def split_points(survey, **fields):
    fields.setdefault("settings", {"total": "100"})
    return question(
        survey,
        "points",
        "multiple_numeric",
        rows=SERVICES,
        min_value=0,
        max_value=100,
        text_fr="Répartissez 100 points entre ces services",
        text_en="Split 100 points between these services",
        **fields,
    )


# --- the admin ----------------------------------------------------------------------------------------------


def question_form(survey, **values):
    section = survey.sections.get()
    data = {
        "survey": survey.pk,
        "section": section.pk,
        "sort_order": "0",
        "code": "points",
        "kind": "multiple_numeric",
        "text_fr": "Répartissez 100 points",
        "min_value": "0",
        "rows-TOTAL_FORMS": str(len(SERVICES)),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for index, (code, label) in enumerate(SERVICES):
        data.update(
            {
                f"rows-{index}-code": code,
                f"rows-{index}-label_fr": label,
                f"rows-{index}-label_en": "",
                f"rows-{index}-ORDER": str(index + 1),
                f"rows-{index}-id": "",
                f"rows-{index}-DELETE": "",
            }
        )
    for name in ("text_en", "help_fr", "help_en", "low_label_fr", "low_label_en", "high_label_fr", "high_label_en"):
        data[name] = ""
    data.update(show_if_values="", settings_total="", settings_total_min="", settings_total_max="")
    data.update(values)
    return data


def test_product_team_creates_a_question_with_its_items_and_its_total(client_for, product_user, survey):
    client = client_for(product_user)
    form = client.get(reverse("wagtailsnippets_surveys_question:add")).content.decode()
    assert 'name="settings_total"' in form and "Plusieurs nombres (et leur total)" in form
    response = client.post(reverse("wagtailsnippets_surveys_question:add"), question_form(survey, settings_total="100"))
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Question.objects.get(code="points")
    assert created.kind == "multiple_numeric" and created.settings == {"total": "100"}
    assert [row.code for row in created.rows.all()] == [code for code, _label in SERVICES]
    assert created.min_value == 0 and created.max_value is None
    edit = client.get(reverse("wagtailsnippets_surveys_question:edit", args=[created.pk])).content.decode()
    assert 'name="settings_total" value="100"' in edit


def test_a_total_imposed_with_a_minimum_is_refused_saying_why(client_for, product_user, survey):
    client = client_for(product_user)
    data = question_form(survey, settings_total="100", settings_total_min="10")
    response = client.post(reverse("wagtailsnippets_surveys_question:add"), data)
    assert response.status_code == 200 and not Question.objects.exists()
    assert "Un total imposé exclut un minimum et un maximum du total" in html.unescape(response.content.decode())


def test_settings_of_another_type_are_not_kept(client_for, product_user, survey):
    client = client_for(product_user)
    data = question_form(survey, kind="number", settings_total="100", **{"rows-TOTAL_FORMS": "0"})
    assert client.post(reverse("wagtailsnippets_surveys_question:add"), data).status_code == 302
    assert Question.objects.get(code="points").settings == {}


def test_a_minimum_total_above_the_maximum_is_refused_by_the_model(survey):
    asked = split_points(survey, settings={"total_min": "50", "total_max": "20"})
    with pytest.raises(ValidationError, match="Le maximum est inférieur au minimum"):
        asked.full_clean()


# --- answering through the personal link -------------------------------------------------------------------


@pytest.fixture
def invited(db):
    """Léa, invited to a launched campaign whose one-page survey asks to split 100 points."""
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.SURVEY)
    survey = Survey.objects.create(campaign=target, title_fr="Vos services", title_en="Your services")
    Section.objects.create(survey=survey, sort_order=0, title_fr="Vos priorités", title_en="Your priorities")
    split_points(survey)
    campaign_launch(target)
    return Invitation.objects.select_related("campaign", "ambassador").get()


def visit(client, invitation):
    assert client.get(reverse("campaigns:personal_link", args=[invitation.token])).status_code == 302
    return reverse("surveys:page", args=[invitation.campaign.slug, 1])


def items(values):
    asked = Question.objects.get(code="points")
    return {f"q{asked.pk}_r{row.pk}": value for row, value in zip(asked.rows.all(), values)}


def test_the_page_shows_each_item_the_rule_and_a_running_total(client, invited):
    page = client.get(visit(client, invited)).content.decode()
    assert "Le total doit faire 100." in page and 'data-running-total="q' in page
    assert page.count('data-total-of="q') == len(SERVICES) and 'inputmode="decimal"' in page
    assert "L&#x27;appli &lt;b&gt;mobile&lt;/b&gt;" in page  # labels escaped
    assert 'src="/static/surveys/types/multiple_numeric.js"' in page
    assert 'data-label="Total : {total}"' in page


def test_an_english_ambassador_reads_the_rule_and_total_in_english(client, invited):
    invited.ambassador.locale = "en"
    invited.ambassador.save()
    page = client.get(visit(client, invited)).content.decode()
    assert "The total must be 100." in page and 'data-label="Total: {total}"' in page


def test_a_wrong_total_is_refused_naming_what_it_is(client, invited):
    url = visit(client, invited)
    response = client.post(url, {**items(["30", "30", "30", "", ""]), "action": "next"})
    assert response.status_code == 400
    assert "Le total doit faire 100 : il fait 90." in response.content.decode()
    assert not Answer.objects.exists()


def test_a_right_total_is_stored_one_answer_per_item_filled(client, invited):
    url = visit(client, invited)
    response = client.post(url, {**items(["40", "30,5", "19.5", "10", ""]), "action": "next"})
    assert response.status_code == 302 and response.url == reverse("surveys:thanks", args=[invited.campaign.slug])
    stored = Answer.objects.order_by("row__sort_order").values_list("row__code", "number")
    assert list(stored) == [
        ("carte", Decimal("40")),
        ("appli", Decimal("30.5")),
        ("agence", Decimal("19.5")),
        ("conseil", Decimal("10")),
    ]
    assert Response.objects.get().submitted_at is not None


def test_saving_for_later_keeps_a_total_not_yet_reached_and_shows_it_back(client, invited):
    url = visit(client, invited)
    assert client.post(url, {**items(["60", "30", "", "", ""]), "action": "later"}).status_code == 302
    assert Answer.objects.count() == 2
    page = client.get(url).content.decode()
    assert 'value="60"' in page and 'value="30"' in page
    response = client.post(url, {**items(["60", "50", "", "", ""]), "action": "later"})
    assert response.status_code == 302 and sorted(Answer.objects.values_list("number", flat=True)) == [30, 60]


def test_each_item_keeps_its_own_bounds(survey):
    asked = split_points(survey, settings={})
    context = FieldContext([])
    fields = question_type("multiple_numeric").fields(asked, context)
    first = next(iter(fields.values()))
    with pytest.raises(ValidationError, match="inférieure ou égale à 100"):
        first.clean("101")
    with pytest.raises(ValidationError, match="supérieure ou égale à 0"):
        first.clean("-1")
    assert first.clean("12,5") == Decimal("12.5")


def test_the_total_may_have_to_lie_between_a_minimum_and_a_maximum(survey):
    asked = split_points(survey, settings={"total_min": "10", "total_max": "20"})
    kind = question_type("multiple_numeric")
    names = [f"q{asked.pk}_r{row.pk}" for row in asked.rows.all()]
    strict, lenient = FieldContext([], strict=True), FieldContext([], strict=False)
    assert kind.check(asked, {names[0]: Decimal(5)}, strict) == [
        (names[0], "Le total doit faire au moins 10 : il fait 5.")
    ]
    assert kind.check(asked, {names[0]: Decimal(5)}, lenient) == []  # going back: not yet reached is fine
    assert kind.check(asked, {names[0]: Decimal(15), names[1]: Decimal(6)}, lenient) == [
        (names[0], "Le total doit faire au plus 20 : il fait 21.")
    ]
    assert kind.check(asked, {names[0]: Decimal(15)}, strict) == [] and kind.check(asked, {}, strict) == []


def test_conditions_see_a_star_the_total_and_the_items_given_something(survey):
    asked = split_points(survey)
    carte, appli, agence = list(asked.rows.all())[:3]
    answers = [Answer(row=carte, number=70), Answer(row=appli, number=30), Answer(row=agence, number=0)]
    assert answer_tokens(asked, answers) == {"*", "100", "carte", "appli"}
    assert answer_tokens(asked, []) == set()


# --- results and privacy -----------------------------------------------------------------------------------


def test_results_give_each_item_its_figures_and_the_mean_total_above_the_threshold(target, survey, settings):
    settings.PRIVACY_THRESHOLD = 5
    asked = question(survey, "points", "multiple_numeric", rows=["a", "b", "c"], settings={"total": "100"})
    people = invitations(target, 7)
    for index, invitation in enumerate(people[:6]):
        given = [{"row": "a", "number": 50 + index}, {"row": "b", "number": 50 - index}]
        if index < 3:  # three answer c (and so give 0 there): too few to show it
            given = [{"row": "a", "number": 50}, {"row": "b", "number": 40}, {"row": "c", "number": 10}]
        respond(survey, invitation, {asked: given})
    respond(survey, people[6], {asked: [{"row": "a", "number": 100}]}, submitted=False)
    result = survey_results(survey)[0]
    assert result.respondents == 6 and not result.suppressed
    lines = {line["code"]: line["cells"] for line in result.table["rows"]}
    # a minimum or maximum is the answer of those at the end: shown only when at least 5 gave it
    assert lines["a"] == [6, pytest.approx((150 + 53 + 54 + 55) / 6), 51.5, None, None]
    assert lines["b"] == [6, pytest.approx((120 + 47 + 46 + 45) / 6), 42.5, None, None]
    assert lines["c"] == [None] * 5
    assert result.figures == [("Total moyen", 100.0)]
    assert result.table["columns"] == ["Réponses", "Moyenne", "Médiane", "Minimum", "Maximum"]


def test_an_item_nobody_answered_shows_zero_and_no_statistics(target, survey, settings):
    settings.PRIVACY_THRESHOLD = 1
    asked = question(survey, "points", "multiple_numeric", rows=["a", "b"])
    respond(survey, invitations(target, 1)[0], {asked: [{"row": "a", "number": 3}]})
    lines = {line["code"]: line["cells"] for line in survey_results(survey)[0].table["rows"]}
    assert lines == {"a": [1, 3.0, 3.0, 3, 3], "b": [0, "", "", "", ""]}


def test_a_question_answered_by_too_few_shows_nothing(target, survey, settings):
    settings.PRIVACY_THRESHOLD = 5
    asked = question(survey, "points", "multiple_numeric", rows=["a", "b"])
    for invitation in invitations(target, 4):
        respond(survey, invitation, {asked: [{"row": "a", "number": 60}, {"row": "b", "number": 40}]})
    result = survey_results(survey)[0]
    assert result.suppressed and result.respondents is None and result.table is None and result.figures == []


def test_the_admin_report_shows_the_items_table_and_the_mean_total(client_for, analyst_user, target, survey, settings):
    settings.PRIVACY_THRESHOLD = 1
    asked = question(survey, "points", "multiple_numeric", rows=SERVICES[:2])
    respond(
        survey, invitations(target, 1)[0], {asked: [{"row": "carte", "number": 70}, {"row": "appli", "number": 30}]}
    )
    page = client_for(analyst_user).get(reverse("reports:campaign", args=[target.pk])).content.decode()
    assert "data-table" in page and "Total moyen : 100,00" in page and "L&#x27;appli &lt;b&gt;mobile&lt;/b&gt;" in page


def test_the_workbook_summary_shows_the_items_table_and_the_mean_total(target, survey, settings):
    settings.PRIVACY_THRESHOLD = 2
    asked = question(survey, "points", "multiple_numeric", rows=["a", "b"])
    first, second, third = invitations(target, 3)
    for invitation in (first, second):
        respond(survey, invitation, {asked: [{"row": "a", "number": 60}]})
    respond(survey, third, {asked: [{"row": "a", "number": 40}, {"row": "b", "number": 20}]})
    rows = list(summary_rows(campaign_report(target)))
    start = rows.index(["", "Réponses", "Moyenne", "Médiane", "Minimum", "Maximum"])
    assert rows[start + 1 : start + 4] == [
        ["A", 3, pytest.approx(53.33, abs=0.01), 60.0, "masqué (< 2)", 60],  # one gave 40, two gave 60
        ["B", "masqué (< 2)", "masqué (< 2)", "masqué (< 2)", "masqué (< 2)", "masqué (< 2)"],
        ["Total moyen", pytest.approx(60.0)],
    ]


# --- export --------------------------------------------------------------------------------------------------


def test_the_export_has_one_column_per_item_holding_its_number(survey):
    asked = split_points(survey)
    kind = question_type("multiple_numeric")
    assert kind.export_columns(asked) == [f"points[{code}]" for code, _label in SERVICES]
    carte, appli = list(asked.rows.all())[:2]
    rows = [
        AnswerValues(appli.pk, None, Decimal("30.5"), None, ""),
        AnswerValues(carte.pk, None, Decimal(70), None, ""),
    ]
    assert kind.export_cells(asked, rows, {}) == [70, 30.5, None, None, None]


# --- LimeSurvey ----------------------------------------------------------------------------------------------


def test_limesurvey_multiple_numerics_come_as_one_question_with_items_and_total():
    survey, report = survey_import(PEERS / "limesurvey2_sample_survey_english.lss")
    equal, between = (Question.objects.get(survey=survey, code=code) for code in ("v3K", "v1K"))
    assert equal.kind == between.kind == "multiple_numeric"
    assert equal.settings == {"total": "30"} and between.settings == {"total_min": "10", "total_max": "20"}
    assert [row.code for row in equal.rows.all()] == ["sq1", "sq2", "sq3", "sq4", "sq5"]
    assert equal.text_fr == "[K] Multiple Numerical (eq sum)"
    assert "Question v3K : total → « Le total doit faire 30. »" in report["mapped"]
    assert "Question v1K : total → « Le total doit être compris entre 10 et 20. »" in report["mapped"]
    assert "Question v3K (K, nombres multiples) → Plusieurs nombres (et leur total) : 5 éléments." in report["mapped"]
    assert not any("somme" in line for line in report["not_mapped"])
    assert not Question.objects.filter(survey=survey, code__startswith="v3K_sq").exists()  # no question per item
    equal.full_clean()
