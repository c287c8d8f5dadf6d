"""Copies of surveys and of their parts: a campaign's survey copied with the campaign (``campaigns.copies``), and
the builder's "Dupliquer" (a survey, a page, a question) and question bank. A copy takes the pages, questions,
choices and rows, the conditions pointing to the copied questions; responses are never copied."""

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from campaigns.copies import row_copy
from surveys.models import Choice, MatrixRow, Question, Section, Survey
from surveys.structure import survey_changed


def survey_copy(source, copy):
    survey = Survey.objects.filter(campaign=source).first()
    if survey is not None:
        survey_clone(survey, campaign_id=copy.pk, import_report={})


def survey_clone(survey, **changes):
    """A new survey with ``survey``'s pages and questions (``changes`` applied to the survey)."""
    new = row_copy(survey, **changes)
    sections = {section.pk: row_copy(section, survey_id=new.pk) for section in Section.objects.filter(survey=survey)}
    questions = {
        question.pk: question_clone(question, survey_id=new.pk, section_id=sections[question.section_id].pk)
        for question in Question.objects.filter(survey=survey).order_by("pk")
    }
    conditions_remap([*sections.values(), *questions.values()], questions)
    survey_changed(new.pk)  # the updates send no signal
    return new


def question_clone(question, **changes):
    """A new question with ``question``'s choices and rows."""
    new = row_copy(question, **changes)
    for model in (Choice, MatrixRow):
        for option in model.objects.filter(question=question):
            row_copy(option, question_id=new.pk)
    return new


def conditions_remap(copies, questions):
    """Point the conditions of the copies to the copied questions ({source pk: copy}); a condition on a question
    that was not copied is kept as it was."""
    for copied in copies:
        target = questions.get(copied.show_if_question_id)
        if target is not None:
            type(copied).objects.filter(pk=copied.pk).update(show_if_question=target.pk)


def free_code(survey_id, code):
    """``code``, or ``code_2``, ``code_3``... that no question of the survey has yet."""
    taken = {value.lower() for value in Question.objects.filter(survey_id=survey_id).values_list("code", flat=True)}
    candidate, number = code, 2
    while candidate.lower() in taken:
        candidate, number = f"{code[:34]}_{number}", number + 1
    return candidate


def next_order(section_id):
    return (Question.objects.filter(section_id=section_id).aggregate(top=Max("sort_order"))["top"] or 0) + 1


@transaction.atomic
def survey_duplicate(*, survey):
    """A copy of ``survey`` attached to no campaign, titled as a copy."""
    title = _("%(title)s (copie)") % {"title": survey.title_fr}
    return survey_clone(survey, campaign_id=None, title_fr=title[:200], source="", import_report={})


@transaction.atomic
def section_duplicate(*, section):
    """A copy of a page, right after it, with copies of its questions (new codes); conditions between its own
    questions follow the copies."""
    Section.objects.filter(survey_id=section.survey_id, sort_order__gt=section.sort_order).update(
        sort_order=F("sort_order") + 1
    )
    new = row_copy(
        section,
        sort_order=section.sort_order + 1,
        title_fr=(_("%(title)s (copie)") % {"title": section.title_fr})[:200],
    )
    questions = {}
    for question in Question.objects.filter(section=section).order_by("sort_order", "pk"):
        questions[question.pk] = question_clone(
            question, section_id=new.pk, code=free_code(section.survey_id, question.code)
        )
    conditions_remap(questions.values(), questions)
    survey_changed(section.survey_id)  # the updates send no signal
    return new


@transaction.atomic
def question_duplicate(*, question):
    """A copy of a question just after it on its page, with a new code."""
    Question.objects.filter(section_id=question.section_id, sort_order__gt=question.sort_order).update(
        sort_order=F("sort_order") + 1
    )
    survey_changed(question.survey_id)  # the update sends no signal
    return question_clone(
        question, code=free_code(question.survey_id, question.code), sort_order=question.sort_order + 1
    )


@transaction.atomic
def bank_question_add(*, question, survey):
    """A copy of a bank question at the end of the last page of ``survey`` (a first page made when it has none),
    out of the bank and without its condition (which named another survey's question)."""
    section = Section.objects.filter(survey=survey).order_by("-sort_order").first()
    if section is None:
        section = Section.objects.create(survey=survey, title_fr=_("Page 1"), sort_order=0)
    return question_clone(
        question,
        survey_id=survey.pk,
        section_id=section.pk,
        code=free_code(survey.pk, question.code),
        sort_order=next_order(section.pk),
        in_bank=False,
        show_if_question_id=None,
        show_if_values="",
    )


def bank_questions():
    """The questions of the bank, by survey then code."""
    return Question.objects.filter(in_bank=True).select_related("survey").order_by("survey__title_fr", "code")
