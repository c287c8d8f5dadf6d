"""Answering a survey by personal link: which pages and questions show (conditions evaluated on the server from
the saved answers), saving a page, and submitting the response. Everything a page needs is read in a fixed
number of queries, whatever the number of questions."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db import transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns.locales import invitation_language
from campaigns.tracking import mark_responded
from surveys.logic.conditions import Visibility, parsed
from surveys.logic.piping import Piper, has_piping, piped_references
from surveys.models import Answer, Response, Survey
from surveys.page_form import PageForm, initial_from_answers
from surveys.structure import survey_sections
from surveys.types import question_type
from surveys.types.base import field_name


@dataclass
class Plan:
    """A survey's pages and questions, and for one response its saved answers and what they make visible
    (``surveys.logic.conditions``)."""

    survey: Survey
    sections: list
    answers: dict = field(default_factory=dict)  # question pk -> [Answer]
    ambassador: object = None  # whose attributes expressions read (None: empty, as in the admin preview)
    pipers: dict = field(default_factory=dict, repr=False)  # (locale, preview) -> Piper
    saved: set = field(default_factory=set)  # pks of the questions with answers in the database (``answers``
    # also holds a page's entries not saved, ``take_entries``): what saving a page has to delete

    @cached_property
    def questions(self):
        return {question.pk: question for section in self.sections for question in section.questions.all()}

    @cached_property
    def visibility(self):
        return Visibility(
            self.questions, {section.pk: section for section in self.sections}, self.answers, self.ambassador
        )

    def piper(self, locale, preview=False):
        """What pipes this plan's texts in ``locale`` (one per language and mode, keeping its warnings)."""
        if (locale, preview) not in self.pipers:
            self.pipers[locale, preview] = Piper(self.visibility, locale, preview=preview)
        return self.pipers[locale, preview]

    def offered_choices(self, question):
        """The choices of a question its conditions offer (all of them in the preview)."""
        return [choice for choice in question.choices.all() if self.visibility.option_shown(choice)]

    def hidden_rows(self, question):
        return [row for row in question.rows.all() if not self.visibility.option_shown(row)]

    def page_refreshes(self, section):
        """Whether something on the page (a condition, a piped text) reads an answer given on the same page: the
        page then offers to refresh itself (at once where JavaScript runs)."""
        codes = {question.code for question in section.questions.all()}
        for question in section.questions.all():
            texts = [question.text_fr, question.text_en, question.help_fr, question.help_en]
            conditions = [question.show_when]
            for option in [*question.choices.all(), *question.rows.all()]:
                texts += [option.label_fr, option.label_en]
                conditions.append(option.show_when)
            read = set()
            for condition in conditions:
                expression = parsed(condition)
                if expression is not None:
                    read |= expression.references()
            for text in texts:
                if has_piping(text):
                    read |= piped_references(text)
            if read & codes:
                return True
        return False

    def take_entries(self, section, data, *, invitation_id, locale, files=None):
        """Count what ``data`` (a POST of the page) and ``files`` hold for the page's questions as their answers,
        for the conditions and piping of the page; nothing is saved. Invalid entries count as unanswered; a file
        sent before and not replaced still counts."""
        questions = list(section.questions.all())
        loose = PageForm(
            questions,
            locale=locale,
            invitation_id=invitation_id,
            strict=False,
            data=data,
            files=files,
            initial=initial_from_answers(questions, self.answers),
        )
        valid = {question.pk for question in loose.valid_questions()}
        for question in loose.questions:
            self.answers[question.pk] = loose.answers(question) if question.pk in valid else []

    def question_shown(self, question):
        return self.visibility.question_shown(question)

    def visible_sections(self):
        return [section for section in self.sections if self.visibility.holds(section)]

    def visible_questions(self, section):
        return [question for question in section.questions.all() if self.question_shown(question)]


def survey_plan(survey, response=None, ambassador=None, answers=None):
    """The plan of a survey, with the answers of ``response`` and the attributes of ``ambassador``: the structure
    from the cache (``surveys.structure``; four queries when it is not there), one query more with a response,
    none when its ``answers`` were read with it (``response_read``)."""
    plan = Plan(survey, survey_sections(survey), ambassador=ambassador)
    if response is not None and response.pk:
        for answer in Answer.objects.filter(response=response) if answers is None else answers:
            plan.answers.setdefault(answer.question_id, []).append(answer)
        plan.saved = set(plan.answers)
    return plan


ANSWER_FIELDS = [field.attname for field in Answer._meta.concrete_fields]


def response_read(invitation):
    """(the invitation's response or None, its answers) in one query: the response joined to its answers, a row
    each (one without an answer when it has none), all from one snapshot. Not for a save: a locked read waiting
    for another save would see that save's response but not its answers (``response_lock``, then the answers)."""
    rows = Response.objects.filter(invitation_id=invitation.pk).order_by("answers__id")
    names = [field.attname for field in Response._meta.concrete_fields]
    response, answers = None, []
    for values in rows.values_list(*names, *(f"answers__{name}" for name in ANSWER_FIELDS)):
        response = response or Response.from_db(rows.db, names, values[: len(names)])
        if values[len(names)] is not None:
            answers.append(Answer.from_db(rows.db, ANSWER_FIELDS, values[len(names) :]))
    return response, answers


def _response_locked(*, invitation, survey, locale, found=None, looked=False):
    """The invitation's response, created if needed, locked for this transaction: two requests saving the same
    response at once take turns, so neither sees the other's half-written answers. One query when it exists;
    else an insert that gives way to a concurrent one (ON CONFLICT DO NOTHING), then the lock. ``found`` and
    ``looked``: the caller read it locked already (``response_lock``), ``found`` None when there was none."""
    if not looked:
        found = response_lock(invitation)
    if found is not None:
        return found
    Response.objects.bulk_create(
        [Response(invitation=invitation, survey=survey, locale=locale)], ignore_conflicts=True
    )  # no savepoint needed: a conflict is no error
    return Response.objects.select_for_update().get(invitation=invitation)


def response_lock(invitation):
    """The invitation's response (or None), locked until the caller's transaction ends: a page's POST reads it
    so once, for its plan and for ``page_save`` and ``response_submit`` (given as their ``response``)."""
    return next(iter(Response.objects.select_for_update().filter(invitation_id=invitation.pk)[:1]), None)


def response_of(invitation):
    """The invitation's response, or None: one at most (the database enforces it), so no order to ask for."""
    return next(iter(Response.objects.filter(invitation_id=invitation.pk)[:1]), None)


def page_save(*, invitation, plan, section, form, locale, resume_page, strict=True, response=None, locked=False,
              touch=True):  # fmt: skip
    """Store the answers of one page: the valid questions of ``form`` replace what was saved for them; a
    question the conditions now hide loses its answers; the ambassador will resume at ``resume_page``.
    ``response`` with ``locked``: the invitation's response (None: none yet) read locked in the caller's
    transaction (``response_lock``, with ``plan`` read from it), else read and locked here. ``touch`` False: the
    caller writes the response's page and time itself (``response_submit``'s ``touch``). Returns the response.

    A first page creates the response with its page and time in one statement (an upsert, which a concurrent
    first save of the same response turns into an update); saved answers are deleted only where there are."""
    shown = {question.pk for question in plan.visible_questions(section)}
    valid = form.valid_questions() if not strict else form.questions
    rows = [answer for question in valid if question.pk in shown for answer in form.answers(question)]
    replaced = [question.pk for question in valid] + [
        question.pk for question in section.questions.all() if question.pk not in shown
    ]
    with transaction.atomic(savepoint=False):  # in the caller's transaction when there is one, no savepoint
        stale = [pk for pk in replaced if pk in plan.saved] if locked else replaced
        if not locked:
            response = response_lock(invitation)
        if response is None:
            response, stale = _response_create(invitation, plan.survey, locale, resume_page), replaced
        elif touch:
            Response.objects.filter(pk=response.pk).update(
                updated_at=timezone.now(), locale=locale, resume_page=resume_page
            )
        if stale:
            Answer.objects.filter(response=response, question_id__in=stale).delete()
        for answer in rows:
            answer.response = response
        Answer.objects.bulk_create(rows)
    for question_pk in replaced:
        plan.answers.pop(question_pk, None)
        plan.saved.discard(question_pk)
    for answer in rows:
        plan.answers.setdefault(answer.question_id, []).append(answer)
        plan.saved.add(answer.question_id)
    return response


def _response_create(invitation, survey, locale, resume_page):
    """The invitation's new response, locked for the transaction: inserted, or, when a concurrent request
    inserted it first, that one updated to this page (ON CONFLICT DO UPDATE waits for it and locks it); its
    answers, if it has any, are the caller's to replace."""
    created = Response(invitation=invitation, survey=survey, locale=locale, resume_page=resume_page)
    kept = ["locale", "resume_page", "updated_at"]
    Response.objects.bulk_create([created], update_conflicts=True, unique_fields=["invitation"], update_fields=kept)
    return created


def missing_answers(plan):
    """(section, question) of every visible required question left unanswered, in survey order."""
    return [
        (section, question)
        for section in plan.visible_sections()
        for question in plan.visible_questions(section)
        if question.required and question_type(question.kind).answerable and not plan.answers.get(question.pk)
    ]


def response_submit(*, invitation, plan, now=None, response=None, touch=None):
    """Submit the response when every visible required question is answered: answers to questions the
    conditions hide are dropped, the submission time kept from the first time, and the invitation marked as
    answered. ``response``: the invitation's response read locked in the caller's transaction (``response_lock``,
    ``page_save``), else read (or created) and locked here. ``touch``: the page and language ``page_save`` left
    to this write ({"locale", "resume_page"}), written with the submission in one statement, or alone when
    something is missing. Returns the missing (section, question) pairs, empty when submitted."""
    missing = missing_answers(plan)
    now = now or timezone.now()
    touched = {"updated_at": now, **touch} if touch else {}
    if missing:
        if touched and response is not None:
            Response.objects.filter(pk=response.pk).update(**touched)
        return missing
    hidden = [pk for pk, question in plan.questions.items() if not plan.question_shown(question)]
    questions = plan.questions.values()
    offered = {choice.pk for question in questions for choice in plan.offered_choices(question)}
    hidden_choices = [choice.pk for q in questions for choice in q.choices.all() if choice.pk not in offered]
    hidden_rows = [row.pk for question in questions for row in plan.hidden_rows(question)]
    hidden_options = Q(choice_id__in=hidden_choices) | Q(row_id__in=hidden_rows)
    with transaction.atomic(savepoint=False):
        language = invitation_language(invitation)
        response = _response_locked(
            invitation=invitation, survey=plan.survey, locale=language, found=response, looked=response is not None
        )
        Answer.objects.filter(response=response, question_id__in=hidden).delete()  # none hidden: no query
        if hidden_choices or hidden_rows:
            Answer.objects.filter(hidden_options, response=response).delete()
        first_time = Coalesce(F("submitted_at"), Value(now, output_field=DateTimeField()))
        Response.objects.filter(pk=response.pk).update(submitted_at=first_time, **touched)
        mark_responded(invitation, now=now)
    for pk in hidden:
        plan.answers.pop(pk, None)
        plan.saved.discard(pk)
    return []


def page_form(plan, section, *, invitation_id, locale, data=None, files=None, strict=True, every_question=False,
              entries=None):  # fmt: skip
    """The form of a page: its visible questions (all of them for a preview), filled with what was saved, or
    with ``entries`` (a POST shown again without checking it: the page refreshed); the choices and rows the
    conditions hide are not offered; texts are piped."""
    questions = list(section.questions.all()) if every_question else plan.visible_questions(section)
    offered = None if every_question else plan.offered_choices
    initial = initial_from_answers(questions, plan.answers)
    form = PageForm(questions, locale=locale, invitation_id=invitation_id, strict=strict, data=data, files=files,
                    initial=initial, offered=offered)  # fmt: skip
    if not every_question:
        _hidden_rows_removed(form, plan)
    if entries is not None:
        form.initial = {
            name: field.widget.value_from_datadict(entries, None, form.add_prefix(name))
            for name, field in form.fields.items()
        }
    pipe_labels(form, plan.piper(locale, preview=every_question))
    return form


def _hidden_rows_removed(form, plan):
    for question in form.questions:
        for row in plan.hidden_rows(question):
            name = field_name(question, f"_r{row.pk}")
            if name in form.fields:
                del form.fields[name]
                form.fields_of[question.pk].remove(name)


def pipe_labels(form, piper):
    """Pipe the labels of the form's fields and of their choices (a question's text, a row's, a choice's)."""
    for form_field in form.fields.values():
        if has_piping(form_field.label):
            form_field.label = piper(form_field.label)
        choices = getattr(form_field, "choices", None)
        if choices and any(isinstance(label, str) and has_piping(label) for _value, label in choices):
            form_field.choices = [
                (value, piper(label) if isinstance(label, str) else label) for value, label in choices
            ]
