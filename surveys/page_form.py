"""The form of one survey page: the fields of each question, validated on the server, and the conversion
between its cleaned data and the Answer rows of a response. What each question asks, checks and stores is its
type's (``surveys.types``); field names are described in ``surveys.types.base``."""

import random

from django import forms

from surveys.models import Answer
from surveys.types import question_type
from surveys.types.base import FieldContext, field_name
from surveys.widget_html import page_widgets


def ordered_choices(question, invitation_id, offered=None):
    """The choices of a question (those ``offered(question)`` returns when given), shuffled when asked, in an
    order that stays the same for one ambassador, whichever choices the conditions offer."""
    choices = list(question.choices.all())
    if question.randomize and question_type(question.kind).shuffles:
        random.Random(f"{invitation_id}:{question.pk}").shuffle(choices)
    if offered is not None:
        kept = {choice.pk for choice in offered(question)}
        choices = [choice for choice in choices if choice.pk in kept]
    return choices


class PageForm(forms.Form):
    """``strict=False`` (going back a page) drops "required" and the minimum counts: what is valid is kept.
    ``offered``: a function giving the choices a question offers (the conditions of its choices). Its inputs
    are written by ``surveys.widget_html`` (the markup of Django's widget templates, at a fraction of the cost)."""

    default_renderer = page_widgets

    def __init__(self, questions, *, locale, invitation_id, strict=True, offered=None, **kwargs):
        super().__init__(**kwargs)
        self.questions = [question for question in questions if question_type(question.kind).answerable]
        self.locale = locale
        self.strict = strict
        self.contexts = {}  # question pk -> FieldContext (its choices in this ambassador's order)
        self.fields_of = {}  # question pk -> [field names]
        for question in self.questions:
            context = FieldContext(ordered_choices(question, invitation_id, offered), locale=locale, strict=strict)
            self.contexts[question.pk] = context
            fields = question_type(question.kind).fields(question, context)
            self.fields.update(fields)
            self.fields_of[question.pk] = list(fields)
            if question.help(locale):
                for field in fields.values():
                    field.widget.attrs["aria-describedby"] = f"{field_name(question)}-help"

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            if any(name in self.errors for name in self.fields_of[question.pk]):
                continue
            for name, message in question_type(question.kind).check(question, cleaned, self.contexts[question.pk]):
                self.add_error(name, message)
        return cleaned

    def question_errors(self, question):
        """The errors of a question, whatever field they are on, in field order."""
        return [error for name in self.fields_of.get(question.pk, ()) for error in self.errors.get(name, ())]

    def valid_questions(self):
        """The questions whose every field is valid (all of them when the form is valid)."""
        self.is_valid()
        return [
            question
            for question in self.questions
            if not any(name in self.errors for name in self.fields_of[question.pk])
        ]

    def answers(self, question):
        """Unsaved Answer rows (without response) for a valid question."""
        values = question_type(question.kind).answers(question, self.cleaned_data, self.contexts[question.pk])
        return [Answer(question=question, **value) for value in values]


def initial_from_answers(questions, answers_by_question):
    """The form's initial data from the saved Answer rows of the questions of one page."""
    initial = {}
    for question in questions:
        saved = answers_by_question.get(question.pk, [])
        if saved:
            initial.update(question_type(question.kind).initial(question, saved))
    return initial
