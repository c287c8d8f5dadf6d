"""The survey viewsets and the preview in the Wagtail admin, role by role."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text

from surveys.models import Question, Section, Survey
from tests.admin_pages import refused
from tests.surveys.factories import budget_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    return budget_survey()


def test_product_team_builds_a_survey_with_pages_and_a_question_with_choices(client_for, product_user):
    client = client_for(product_user)
    response = client.post(
        reverse("wagtailsnippets_surveys_survey:add"),
        {
            "title_fr": "Carte à impact",
            "title_en": "Impact card",
            "concept_fr": rich_text("<p>Une carte en plastique recyclé.</p>"),
            "concept_en": rich_text(""),
            "thank_you_fr": "",
            "thank_you_en": "",
            "concept_image_alt_fr": "",
            "concept_image_alt_en": "",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-MIN_NUM_FORMS": "0",
            "sections-MAX_NUM_FORMS": "1000",
            "sections-0-title_fr": "Votre avis",
            "sections-0-title_en": "",
            "sections-0-intro_fr": "",
            "sections-0-intro_en": "",
            "sections-0-show_if_values": "",
            "sections-0-ORDER": "1",
            "sections-0-id": "",
            "sections-0-DELETE": "",
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    survey = Survey.objects.get(title_fr="Carte à impact")
    assert "plastique recyclé" in survey.concept_fr
    section = Section.objects.get(survey=survey)
    response = client.post(
        reverse("wagtailsnippets_surveys_question:add"),
        {
            "survey": survey.pk,
            "section": section.pk,
            "sort_order": "0",
            "code": "couleur",
            "kind": "single",
            "text_fr": "Quelle couleur ?",
            "text_en": "",
            "help_fr": "",
            "help_en": "",
            "low_label_fr": "",
            "low_label_en": "",
            "high_label_fr": "",
            "high_label_en": "",
            "show_if_values": "",
            "choices-TOTAL_FORMS": "2",
            "choices-INITIAL_FORMS": "0",
            "choices-MIN_NUM_FORMS": "0",
            "choices-MAX_NUM_FORMS": "1000",
            "choices-0-code": "vert",
            "choices-0-label_fr": "Vert",
            "choices-0-label_en": "Green",
            "choices-0-ORDER": "1",
            "choices-0-id": "",
            "choices-0-DELETE": "",
            "choices-1-code": "bleu",
            "choices-1-label_fr": "Bleu",
            "choices-1-label_en": "Blue",
            "choices-1-ORDER": "2",
            "choices-1-id": "",
            "choices-1-DELETE": "",
            "rows-TOTAL_FORMS": "0",
            "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "0",
            "rows-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get(code="couleur")
    assert [choice.code for choice in question.choices.all()] == ["vert", "bleu"]


def test_a_condition_on_a_later_page_is_refused_with_the_reason(survey):
    from django.core.exceptions import ValidationError

    early = Question.objects.get(survey=survey, code="usage")
    late = Question.objects.get(survey=survey, code="nps")
    early.show_if_question, early.show_if_values = late, "9"
    with pytest.raises(ValidationError, match="page précédente"):
        early.full_clean()


def test_preview_shows_each_page_in_both_languages_and_saves_nothing(client_for, product_user, survey):
    client = client_for(product_user)
    page = client.get(reverse("survey_preview:page", args=[survey.pk, 1])).content.decode()
    assert "À quelle fréquence" in page and "data-preview" in page and "<button" not in page.split("survey-form")[1]
    page = client.get(reverse("survey_preview:page", args=[survey.pk, 4]) + "?langue=en").content.decode()
    assert "Why is another bank your main bank?" in page  # a conditional page shows in the preview
    assert client.get(reverse("survey_preview:page", args=[survey.pk, 9])).status_code == 404


def test_analyst_sees_surveys_but_does_not_change_them(client_for, analyst_user, survey):
    client = client_for(analyst_user)
    assert client.get(reverse("wagtailsnippets_surveys_survey:list")).status_code == 200
    assert client.get(reverse("survey_preview:page", args=[survey.pk, 1])).status_code == 200
    assert refused(client.get(reverse("wagtailsnippets_surveys_survey:edit", args=[survey.pk])))
    assert refused(client.get(reverse("wagtailsnippets_surveys_question:add")))


def test_outsider_is_refused_everywhere(client_for, outsider_user, survey):
    client = client_for(outsider_user)
    question = Question.objects.filter(survey=survey).first()
    for url in (
        reverse("wagtailsnippets_surveys_survey:list"),
        reverse("wagtailsnippets_surveys_survey:edit", args=[survey.pk]),
        reverse("wagtailsnippets_surveys_question:edit", args=[question.pk]),
        reverse("survey_preview:page", args=[survey.pk, 1]),
        reverse("limesurvey_import:index"),
    ):
        assert refused(client.get(url)), url


def test_a_new_survey_is_anonymous_by_default_and_the_form_explains_the_choice(client_for, product_user):
    page = client_for(product_user).get(reverse("wagtailsnippets_surveys_survey:add"))
    html = page.content.decode()
    checkbox = html[html.index('name="anonymous"') - 200 : html.index('name="anonymous"') + 200]
    assert "checked" in checkbox
    assert "Décochez seulement si l&#x27;équipe doit recontacter une personne" in html
    assert "l&#x27;export de l&#x27;équipe produit donnera alors l&#x27;adresse e-mail" in html
    assert Survey.objects.create(title_fr="Nouveau").anonymous
