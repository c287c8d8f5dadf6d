"""Duplicating a survey, a page or a question (surveys/copies.py), and the bank of reusable questions: copies keep
choices, rows and the conditions between copied questions, take new codes inside the same survey, and never copy
an answer."""

import pytest
from django.urls import reverse

from surveys.copies import bank_question_add, question_duplicate, section_duplicate, survey_duplicate
from surveys.models import Answer, Question, Section, Survey
from tests.admin_pages import refused
from tests.surveys.factories import budget_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    return budget_survey()


def test_a_duplicated_survey_has_its_pages_questions_choices_and_conditions_but_no_campaign(survey):
    copy = survey_duplicate(survey=survey)
    assert copy.pk != survey.pk and copy.campaign is None and copy.title_fr.endswith("(copie)")
    assert copy.sections.count() == survey.sections.count()
    source = {q.code: q for q in Question.objects.filter(survey=survey)}
    copied = {q.code: q for q in Question.objects.filter(survey=copy).select_related("show_if_question")}
    assert set(copied) == set(source)
    assert [c.code for c in copied["usage"].choices.all()] == [c.code for c in source["usage"].choices.all()]
    assert copied["criteres"].rows.count() == source["criteres"].rows.count() > 0
    for code, question in copied.items():  # every condition points into the copy
        if question.show_if_question_id:
            assert question.show_if_question.survey_id == copy.pk, code
    conditional = Section.objects.get(survey=copy, show_if_question__isnull=False)
    assert conditional.show_if_question.survey_id == copy.pk
    assert not Answer.objects.filter(question__survey=copy).exists()


def test_a_duplicated_question_comes_right_after_it_with_a_new_code(survey):
    usage = Question.objects.get(survey=survey, code="usage")
    copy = question_duplicate(question=usage)
    assert (copy.code, copy.section_id) == ("usage_2", usage.section_id)
    codes = list(Question.objects.filter(section=usage.section).values_list("code", flat=True))
    assert codes[codes.index("usage") + 1] == "usage_2"
    assert [c.label_fr for c in copy.choices.all()] == [c.label_fr for c in usage.choices.all()]
    assert question_duplicate(question=usage).code == "usage_3"


def test_a_duplicated_page_comes_right_after_it_with_copies_of_its_questions(survey):
    first = survey.sections.first()
    count = Question.objects.filter(section=first).count()
    copy = section_duplicate(section=first)
    pages = list(Section.objects.filter(survey=survey).order_by("sort_order"))
    assert pages[1] == copy and copy.title_fr == f"{first.title_fr} (copie)"
    assert Question.objects.filter(section=copy).count() == count
    assert Question.objects.filter(survey=survey, code="usage_2", section=copy).exists()


def test_a_bank_question_is_added_to_the_last_page_of_another_survey(survey):
    usage = Question.objects.get(survey=survey, code="usage")
    usage.in_bank = True
    usage.save()
    other = Survey.objects.create(title_fr="Autre")
    added = bank_question_add(question=usage, survey=other)
    assert (added.survey_id, added.code, added.in_bank, added.show_if_question_id) == (other.pk, "usage", False, None)
    assert added.section.survey_id == other.pk  # a first page made for it
    assert [c.code for c in added.choices.all()] == [c.code for c in usage.choices.all()]


def test_the_product_team_adds_from_the_bank_and_duplicates_others_may_not(
    client_for, product_user, analyst_user, survey
):
    usage = Question.objects.get(survey=survey, code="usage")
    Question.objects.filter(pk=usage.pk).update(in_bank=True)
    other = Survey.objects.create(title_fr="Autre")
    client = client_for(product_user)
    page = client.get(reverse("survey_builder:bank", args=[other.pk])).content.decode()
    assert "À quelle fréquence" in page
    response = client.post(reverse("survey_builder:bank", args=[other.pk]), {"question": usage.pk})
    assert response.status_code == 302 and Question.objects.filter(survey=other, code="usage").exists()
    response = client.post(reverse("survey_builder:survey_duplicate", args=[survey.pk]))
    assert response.status_code == 302 and Survey.objects.filter(title_fr__endswith="(copie)").exists()
    analyst = client_for(analyst_user)
    for url in (
        reverse("survey_builder:bank", args=[other.pk]),
        reverse("survey_builder:question_duplicate", args=[usage.pk]),
        reverse("survey_builder:page_duplicate", args=[usage.section_id]),
    ):
        assert refused(analyst.post(url, {"question": usage.pk}))
