"""Conditions in words, and checked in the admin's forms with the position of the problem
(``surveys.logic.words``)."""

import pytest
from django.urls import reverse

from surveys.logic.expressions import Outline
from surveys.logic.words import condition_in_words, value_labels
from surveys.models import Question, Section
from tests.surveys.factories import builder_questions_data
from tests.surveys.types.conftest import question

pytestmark = pytest.mark.django_db


def test_conditions_read_in_french_with_labels(survey):
    usage = question(survey, "usage", "single", choices=[("jour", "Tous les jours"), ("mois", "Chaque mois")])
    client = question(survey, "client", "yes_no")
    asked = question(
        survey,
        "detail",
        "short_text",
        show_when='usage in ["jour", "mois"] and ambassador.region == "bre" and client == "N"',
        show_if_question=usage,
        show_if_values="jour, *",
    )
    labels = value_labels(Outline.of(survey))
    assert condition_in_words(asked, labels) == (
        "usage a pour réponse l'une de : *, jour et usage est l'un de : Tous les jours, Chaque mois "
        "et région est Bretagne et client est non"
    )
    assert condition_in_words(client) == ""


def question_data(survey, section, **fields):
    data = {
        "survey": survey.pk,
        "section": section.pk,
        "sort_order": "5",
        "code": "nouvelle",
        "kind": "single",
        "text_fr": "Quelle couleur ?",
        "show_if_values": "",
        "show_when": "",
        "choices-TOTAL_FORMS": "1",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        "choices-0-code": "vert",
        "choices-0-label_fr": "Vert",
        "choices-0-label_en": "",
        "choices-0-show_when": "",
        "choices-0-ORDER": "1",
        "choices-0-id": "",
        "choices-0-DELETE": "",
        "rows-TOTAL_FORMS": "0",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    return data


@pytest.fixture
def staff(client_for, product_user):
    return client_for(product_user)


def test_a_questions_condition_is_checked_with_its_position(staff, survey):
    section = survey.sections.get()
    question(survey, "usage", "single", choices=["jour", "mois"])
    url = reverse("wagtailsnippets_surveys_question:add")
    page = staff.post(url, question_data(survey, section, show_when='usage = "jour"')).content.decode()
    assert "écrivez « == »" in page and "(caractère 7)" in page
    page = staff.post(url, question_data(survey, section, show_when='usage == "semaine"')).content.decode()
    assert "« semaine » n&#x27;est pas une réponse possible à usage" in page and "(caractère 10)" in page
    page = staff.post(url, question_data(survey, section, show_when="inconnue > 2")).content.decode()
    assert "Question inconnue : « inconnue »" in page
    assert not Question.objects.filter(code="nouvelle").exists()
    reply = staff.post(url, question_data(survey, section, show_when='usage == "jour"'))
    assert reply.status_code == 302
    assert Question.objects.get(code="nouvelle").show_when == 'usage == "jour"'


def test_a_question_cannot_read_a_later_question_nor_itself(staff, survey):
    section = survey.sections.get()
    early = question(survey, "usage", "single", choices=["jour"])
    question(survey, "apres", "number")
    url = reverse("wagtailsnippets_surveys_question:edit", args=[early.pk])
    data = question_data(survey, section, code="usage", sort_order="0", show_when="apres > 2 or usage")
    page = staff.post(url, data).content.decode()
    assert "« apres » ne vient pas avant" in page and "« usage » ne vient pas avant" in page
    assert Question.objects.get(pk=early.pk).show_when == ""


def test_a_choices_condition_is_checked_too(staff, survey):
    section = survey.sections.get()
    question(survey, "usage", "single", choices=["jour"])
    url = reverse("wagtailsnippets_surveys_question:add")
    page = staff.post(url, question_data(survey, section, **{"choices-0-show_when": "usage.zz"})).content.decode()
    assert "n&#x27;a pas de ligne ni de choix « zz »" in page
    assert staff.post(url, question_data(survey, section, **{"choices-0-show_when": "usage.jour"})).status_code == 302


def test_a_pages_condition_reads_only_earlier_pages(staff, survey):
    first = survey.sections.get()
    question(survey, "usage", "single", choices=["jour"], section=first)
    later = Section.objects.create(survey=survey, sort_order=1, title_fr="Suite")
    question(survey, "suite", "short_text", section=later)
    data = {
        "title_fr": survey.title_fr,
        "title_en": "",
        "concept_fr": '{"blocks": [], "entityMap": {}}',
        "concept_en": '{"blocks": [], "entityMap": {}}',
        "thank_you_fr": "",
        "thank_you_en": "",
        "concept_image_alt_fr": "",
        "concept_image_alt_en": "",
        "campaign": survey.campaign_id,
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "2",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
    }
    for index, (section, condition) in enumerate([(first, ""), (later, 'suite == "x" or usage == "jour"')]):
        data.update(
            {
                f"sections-{index}-id": section.pk,
                f"sections-{index}-title_fr": section.title_fr,
                f"sections-{index}-title_en": "",
                f"sections-{index}-intro_fr": "",
                f"sections-{index}-intro_en": "",
                f"sections-{index}-show_if_values": "",
                f"sections-{index}-show_when": condition,
                f"sections-{index}-ORDER": str(index + 1),
                f"sections-{index}-DELETE": "",
            }
        )
    data.update(builder_questions_data(survey))
    url = reverse("wagtailsnippets_surveys_survey:edit", args=[survey.pk])
    page = staff.post(url, data).content.decode()
    assert "« suite » ne vient pas avant" in page and "(caractère 1)" in page
    data["sections-1-show_when"] = 'usage == "jour"'
    assert staff.post(url, data).status_code == 302
    assert Section.objects.get(pk=later.pk).show_when == 'usage == "jour"'


def test_the_question_list_shows_conditions_in_words(staff, survey):
    question(survey, "usage", "single", choices=["jour"])
    question(survey, "suite", "short_text", show_when='usage == "jour" and ambassador.region == "bre"')
    page = staff.get(reverse("wagtailsnippets_surveys_question:list") + f"?survey={survey.pk}").content.decode()
    assert "usage est jour et région est Bretagne" in page


def test_a_hostile_condition_shows_as_text_in_the_list(staff, survey):
    question(survey, "usage", "single", choices=["jour"])
    question(survey, "suite", "short_text", show_when='usage == "<script>alert(1)</script>"')
    page = staff.get(reverse("wagtailsnippets_surveys_question:list") + f"?survey={survey.pk}").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
