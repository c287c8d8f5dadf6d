"""What every question type is asked, with the answers of a type that asks nothing: a type module of this
package subclasses ``QuestionType``, overrides what it does differently and declares ``TYPE = TheType()``.

A type never imports the models (``surveys.models`` builds its choices from the types): it works on the
question it is given and returns plain values, which ``surveys.page_form``, ``surveys.logic``,
``reports.survey_stats``, the exports and the LimeSurvey importer turn into rows, figures and cells.

A type may also say how expressions read its answers (``surveys.logic.values``) with
``expression_value(question, answers, choice_codes, row_codes)`` returning (value, {sub-code: value}), without
a query; the types that do not are read from what their rows hold.

Form field names: ``q<pk>`` for a question, ``q<pk>_other`` for its "other" text, ``q<pk>_r<row pk>`` for a
row (of a matrix, or an item of a question with several numbers), ``q<pk>_c<choice pk>`` for the rank of a
choice, ``q<pk>_r<row pk>_c<choice pk>`` for a cell of an array (rows by columns)."""

import re
from collections import namedtuple
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OTHER = "__other__"

# One stored answer as the exports stream it (``Answer`` columns without the response and the question).
AnswerValues = namedtuple("AnswerValues", "row_id choice_id number date text")


def field_name(question, suffix=""):
    return f"q{question.pk}{suffix}"


def decimal_text(value):
    """A number as conditions and forms show it: 12, 12.5 (never 12.0000)."""
    value = Decimal(value)
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else format(value.normalize(), "f")


def plain_number(value):
    """A stored decimal as an int when whole, else a float (9.0000 -> 9)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class NumberField(forms.DecimalField):
    """A number typed the French or the English way: "1 250,5" or "1250.5"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f']", "", value).replace(",", ".")
        return super().to_python(value)


@dataclass
class FieldContext:
    """What a type needs to build the fields of a question on a page: its choices in the order this
    ambassador sees them, the language, and whether the page is checked fully (``strict``: going forward) or
    only for what is valid (going back, saving for later)."""

    choices: list
    locale: str = "fr"
    strict: bool = True

    def required(self, question):
        return self.strict and question.required


class QuestionType:
    key = ""  # stored in Question.kind
    label = ""
    order = 0  # place in the admin's list of types
    answerable = True  # False: shown, never answered
    has_choices = False  # its choices are edited in the admin
    has_other = False  # may offer "other" with a text
    shuffles = True  # "randomize" shuffles its choices
    layout = "group"  # on the page: "single" (label and input), "group", "rows", "items" (fieldsets), "display"
    counted = True  # the report counts its answers by row, choice and number
    cross_tabs = False  # the report can cross its answers with segments and attributes
    limesurvey_letters = ()  # LimeSurvey question types it imports
    limesurvey_fallback_letters = ()  # those it imports only when no type lists them in limesurvey_letters
    limesurvey_attributes = frozenset()  # LimeSurvey attributes it imports (not reported as lost)
    settings_fields = {}  # name -> a function returning the form field of a setting kept in Question.settings

    def __repr__(self):
        return f"<{type(self).__name__} {self.key}>"

    # --- the question, in the admin ----------------------------------------------------------------------

    def clean(self, question):
        """{field: message} of what is wrong with the question for this type (its settings included)."""
        return {f"settings_{name}": message for name, message in self.settings_errors(question.settings).items()}

    def settings_errors(self, settings):
        """{setting: message}: every setting must be one this type knows and that its field accepts."""
        errors = {}
        for name, value in (settings or {}).items():
            if name not in self.settings_fields:
                errors[name] = _("Réglage inconnu de ce type de question : %(name)s.") % {"name": name}
                continue
            try:
                self.settings_fields[name]().clean(value)
            except ValidationError as exc:
                errors[name] = " ".join(exc.messages)
        return errors

    def setting(self, question, name):
        """A setting of the question as its field cleans it (None when unset)."""
        value = (question.settings or {}).get(name)
        if value in (None, ""):
            return None
        return self.settings_fields[name]().clean(value)

    # --- answering -----------------------------------------------------------------------------------------

    def fields(self, question, context):
        """{name: form field} of the question on a page (labels included)."""
        return {}

    def check(self, question, cleaned, context):
        """[(field name, message)] of what is wrong across the question's fields, each valid alone."""
        return []

    def answers(self, question, cleaned, context):
        """[{Answer field: value}] of the question's valid fields (row, choice, number, date, text)."""
        return []

    def initial(self, question, saved):
        """{field name: value} showing the saved Answer rows in the question's fields."""
        return {}

    def tokens(self, question, answers):
        """What conditions compare with (lower case), besides "*" for any answer."""
        return set()

    def single_input(self, question):
        return self.layout == "single"

    def before(self, question):
        """HTML shown under the question's text, above its fields (safe), or ""."""
        return ""

    def after(self, question):
        """HTML shown under the question's fields (safe), or ""."""
        return ""

    # --- reports -------------------------------------------------------------------------------------------

    def keeps_texts(self, question):
        """Whether the report lists its latest texts (free texts, "other" answers)."""
        return False

    def summarise(self, result, question, tallies):
        """Fill ``result`` (``reports.survey_stats.QuestionResult``) from ``tallies`` (``summary.Tallies``)."""

    def cross_tab_keys(self, question):
        """(Answer field grouped on, [(key, label, code)]) of a type that cross-tabulates."""
        raise NotImplementedError

    # --- export --------------------------------------------------------------------------------------------

    def export_columns(self, question):
        """The headers of its columns in the responses table."""
        return [question.code]

    def export_cells(self, question, rows, codes):
        """Its cells in one response's line, one per column: ``rows`` are the response's ``AnswerValues`` for
        the question (stored order), ``codes`` {choice id: code} of the question. One column: the value of
        each row, several joined by " | "."""
        values = [self.export_value(row, codes) for row in rows]
        if len(values) > 1:
            return [" | ".join(str(value) for value in values)]
        return values or [None]

    def export_value(self, row, codes):
        """A choice's code, a number (an int when whole), a date or a text."""
        if row.choice_id is not None:
            return codes.get(row.choice_id)
        if row.number is not None:
            return plain_number(row.number)
        if row.date is not None:
            return row.date
        return row.text

    # --- LimeSurvey ----------------------------------------------------------------------------------------

    def from_limesurvey(self, planner, record, where):
        """[PlannedQuestion] of a LimeSurvey question of one of ``limesurvey_letters``
        (``surveys.limesurvey.plan.Planner`` reads it)."""
        return []
