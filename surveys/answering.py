"""Answering a survey by personal link: which pages and questions show (conditions evaluated on the server from
the saved answers), saving a page, and submitting the response. Everything a page needs is read in a fixed
number of queries, whatever the number of questions."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from campaigns.locales import invitation_language
from campaigns.tracking import mark_responded
from surveys.logic.conditions import Visibility
from surveys.models import Answer, Question, Response, Survey
from surveys.page_form import PageForm, initial_from_answers
from surveys.types import question_type


@dataclass
class Plan:
    """A survey's pages and questions, and for one response its saved answers and what they make visible
    (``surveys.logic.conditions``)."""

    survey: Survey
    sections: list
    answers: dict = field(default_factory=dict)  # question pk -> [Answer]

    @cached_property
    def questions(self):
        return {question.pk: question for section in self.sections for question in section.questions.all()}

    @cached_property
    def visibility(self):
        return Visibility(self.questions, {section.pk: section for section in self.sections}, self.answers)

    def question_shown(self, question):
        return self.visibility.question_shown(question)

    def visible_sections(self):
        return [section for section in self.sections if self.visibility.holds(section)]

    def visible_questions(self, section):
        return [question for question in section.questions.all() if self.question_shown(question)]


def survey_plan(survey, response=None):
    """The plan of a survey, with the answers of ``response``: four queries, five with a response."""
    sections = list(
        survey.sections.order_by("sort_order", "pk").prefetch_related(
            Prefetch(
                "questions", queryset=Question.objects.order_by("sort_order", "pk").prefetch_related("choices", "rows")
            )
        )
    )
    plan = Plan(survey, sections)
    if response is not None and response.pk:
        for answer in Answer.objects.filter(response=response):
            plan.answers.setdefault(answer.question_id, []).append(answer)
    return plan


def _response_locked(*, invitation, survey, locale):
    """The invitation's response, created if needed, locked for this transaction: two requests saving the same
    response at once take turns, so neither sees the other's half-written answers."""
    try:
        with transaction.atomic():
            Response.objects.get_or_create(invitation=invitation, defaults={"survey": survey, "locale": locale})
    except IntegrityError:  # created by a concurrent request in the meantime
        pass
    return Response.objects.select_for_update().get(invitation=invitation)


def page_save(*, invitation, plan, section, form, locale, resume_page, strict=True):
    """Store the answers of one page: the valid questions of ``form`` replace what was saved for them; a
    question the conditions now hide loses its answers; the ambassador will resume at ``resume_page``.
    Returns the response."""
    shown = {question.pk for question in plan.visible_questions(section)}
    valid = form.valid_questions() if not strict else form.questions
    rows = [answer for question in valid if question.pk in shown for answer in form.answers(question)]
    replaced = [question.pk for question in valid] + [
        question.pk for question in section.questions.all() if question.pk not in shown
    ]
    with transaction.atomic():
        response = _response_locked(invitation=invitation, survey=plan.survey, locale=locale)
        Answer.objects.filter(response=response, question_id__in=replaced).delete()
        for answer in rows:
            answer.response = response
        Answer.objects.bulk_create(rows)
        Response.objects.filter(pk=response.pk).update(
            updated_at=timezone.now(), locale=locale, resume_page=resume_page
        )
    for question_pk in replaced:
        plan.answers.pop(question_pk, None)
    for answer in rows:
        plan.answers.setdefault(answer.question_id, []).append(answer)
    return response


def missing_answers(plan):
    """(section, question) of every visible required question left unanswered, in survey order."""
    return [
        (section, question)
        for section in plan.visible_sections()
        for question in plan.visible_questions(section)
        if question.required and question_type(question.kind).answerable and not plan.answers.get(question.pk)
    ]


def response_submit(*, invitation, plan, now=None):
    """Submit the response when every visible required question is answered: answers to questions the
    conditions hide are dropped, the submission time kept from the first time, and the invitation marked as
    answered. Returns the missing (section, question) pairs, empty when submitted."""
    missing = missing_answers(plan)
    if missing:
        return missing
    now = now or timezone.now()
    hidden = [pk for pk, question in plan.questions.items() if not plan.question_shown(question)]
    with transaction.atomic():
        response = _response_locked(invitation=invitation, survey=plan.survey, locale=invitation_language(invitation))
        Answer.objects.filter(response=response, question_id__in=hidden).delete()
        Response.objects.filter(pk=response.pk, submitted_at__isnull=True).update(submitted_at=now)
        mark_responded(invitation, now=now)
    for pk in hidden:
        plan.answers.pop(pk, None)
    return []


def page_form(plan, section, *, invitation_id, locale, data=None, strict=True, every_question=False):
    """The form of a page: its visible questions (all of them for a preview), filled with what was saved."""
    questions = list(section.questions.all()) if every_question else plan.visible_questions(section)
    return PageForm(
        questions,
        locale=locale,
        invitation_id=invitation_id,
        strict=strict,
        data=data,
        initial=initial_from_answers(questions, plan.answers),
    )
