"""A date (a date picker; typed dates also read as 31/12/2025, 31/12/25 or 31.12.2025). Stored as one Answer
with the date. Reports: the earliest and the latest. LimeSurvey: D."""

from django import forms
from django.utils.translation import gettext_lazy

from surveys.types.base import QuestionType, field_name

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y"]


class Date(QuestionType):
    key = "date"
    label = gettext_lazy("Date")
    order = 100
    layout = "single"
    counted = False
    limesurvey_letters = ("D",)

    def fields(self, question, context):
        field = forms.DateField(
            required=context.required(question),
            input_formats=DATE_FORMATS,
            label=question.text(context.locale),
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
        return {field_name(question): field}

    def answers(self, question, cleaned, context):
        value = cleaned.get(field_name(question))
        return [{"date": value}] if value else []

    def initial(self, question, saved):
        return {field_name(question): answer.date for answer in saved}

    def tokens(self, question, answers):
        return {answer.date.isoformat() for answer in answers if answer.date}

    def summarise(self, result, question, tallies):
        if tallies.dates:
            result.low, result.high = tallies.dates["low"], tallies.dates["high"]

    def from_limesurvey(self, planner, record, where):
        return [planner.base_question(record, where, self.key)]


TYPE = Date()
