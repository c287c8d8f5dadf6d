"""The survey's logic at a glance (``surveys.logic.glance``) and its admin page."""

import pytest
from django.urls import reverse

from surveys.logic.glance import survey_logic
from surveys.models import Choice, Section
from tests.admin_pages import refused
from tests.campaigns.factories import SCRIPT
from tests.surveys.types.conftest import question

pytestmark = pytest.mark.django_db


@pytest.fixture
def tangled(survey):
    """Page 1: Q1 (a or b), Q3..Q8 with conditions; page 2 (when Q1 is "a"): Q2, required; page 3 (never):
    Q9; Q5 comes after Q4 on page 1."""
    first = survey.sections.get()
    second = Section.objects.create(survey=survey, sort_order=1, title_fr="Suite", show_when='Q1 == "a"')
    third = Section.objects.create(survey=survey, sort_order=2, title_fr="Jamais", show_when="false")
    question(survey, "Q1", "single", choices=[("a", "Oui <b>"), ("b", "Non")], section=first)
    question(survey, "Q3", "short_text", show_when='Q1 == "zz"', section=first)
    question(survey, "Q4", "short_text", show_when="Q5 > 2", section=first)
    question(survey, "Q5", "number", section=first)
    question(survey, "Q6", "short_text", show_when='Q3 == "x"', section=first)
    question(survey, "Q7", "short_text", show_when='Q1 == "a" and Q1 == "b"', section=first)
    question(survey, "Q8", "short_text", show_when='Q1 == "a" or Q1 == "zz"', section=first)
    offered = question(survey, "Q10", "single", choices=["x", "y"], section=first, text_fr=SCRIPT)
    Choice.objects.filter(question=offered, code="y").update(show_when='Q1 == "q"')
    question(survey, "Q2", "short_text", required=True, section=second)
    question(survey, "Q9", "short_text", section=third, show_when="Q2")
    return survey


def test_the_glance_names_what_no_path_reaches_and_why(tangled, django_assert_num_queries):
    with django_assert_num_queries(4):
        glance = survey_logic(tangled)
    lines = {line.name: line for line in glance.lines}
    assert "pas une réponse possible à Q1" in lines["Q3"].never
    assert "Q5 vient après" in lines["Q4"].never
    assert "Q3 n'est jamais montrée" in lines["Q6"].never
    assert "deux réponses à la fois" in lines["Q7"].never
    assert lines["Q8"].never == "" and lines["Q1"].never == "" and lines["Q2"].never == ""
    assert lines["Page 3"].never and "page n'est jamais montrée" in lines["Q9"].never
    assert "Q1" in lines["Q10 : y"].never
    text = "\n".join(glance.warnings)
    for expected in ("Q3 n'est jamais montrée", "Q4 n'est jamais montrée", "Page 3 n'est jamais montrée"):
        assert expected in text
    assert "Q10 : y n'est jamais proposé" in text
    assert "Q4 : « Q5 » ne vient pas avant" in text  # the check's problem, with its position
    assert "Q2 est obligatoire, mais sa page (Page 2) peut être masquée" in text
    assert "Q9 est obligatoire" not in text


def test_the_glance_says_who_reads_what_in_words(tangled):
    lines = {line.name: line for line in survey_logic(tangled).lines}
    assert lines["Page 2"].condition == "Q1 est Oui <b>"  # a choice's label; the template escapes it
    assert lines["Page 2"].depends_on == ["Q1"]
    assert set(lines["Q1"].needed_by) == {"Page 2", "Q3", "Q7", "Q8", "Q10 : y"}
    assert lines["Q2"].required and lines["Q2"].needed_by == ["Q9"]


def test_a_survey_without_conditions_has_nothing_to_warn(survey):
    question(survey, "Q1", "single", choices=["a"], required=True)
    glance = survey_logic(survey)
    assert glance.warnings == [] and glance.with_conditions == []


def test_the_admin_page_shows_the_table_escaped_to_staff_only(tangled, client_for, product_user, outsider_user):
    url = reverse("survey_logic:glance", args=[tangled.pk])
    page = client_for(product_user).get(url).content.decode()
    assert "data-logic" in page and "Q2 est obligatoire" in page
    assert SCRIPT not in page and "Oui <b>" not in page and "Oui &lt;b&gt;" in page
    assert refused(client_for(outsider_user).get(url))
    listing = client_for(product_user).get(reverse("wagtailsnippets_surveys_survey:list")).content.decode()
    assert url in listing
