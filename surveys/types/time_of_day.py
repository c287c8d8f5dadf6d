"""A time of day, HH:MM (a time picker; typed times also read as 14h30, 14 h 30 or 14.30). Stored as one
Answer with the number of minutes since midnight (14:30 is 870), so that it is no free text and sorts. Conditions
and expressions see "14:30". Reports: how many answered in the night (0:00-5:59), the morning (6:00-11:59), the
afternoon (12:00-17:59) and the evening (18:00-23:59), under the privacy threshold; no earliest or latest (one
person's answer each). Exported as HH:MM. LimeSurvey: a date question (D) whose format holds no day
(``date_format`` "HH:MM") is imported as this type by the importer."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.types.base import QuestionType, field_name
from surveys.types.summary import cell

PERIODS = [
    ("night", gettext_lazy("Nuit (0 h – 5 h 59)"), 0),
    ("morning", gettext_lazy("Matin (6 h – 11 h 59)"), 6 * 60),
    ("afternoon", gettext_lazy("Après-midi (12 h – 17 h 59)"), 12 * 60),
    ("evening", gettext_lazy("Soir (18 h – 23 h 59)"), 18 * 60),
]
TYPED = re.compile(r"^\s*(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?)?(?::\d{2})?\s*$")


def minutes_text(minutes):
    """870 -> "14:30"."""
    minutes = int(minutes)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class TimeOfDayField(forms.Field):
    """A time of day as minutes since midnight (0 to 1439)."""

    widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.time):
            return value.hour * 60 + value.minute
        found = TYPED.match(str(value))
        hours, minutes = (int(found.group(1)), int(found.group(2) or 0)) if found else (None, None)
        if hours is None or hours > 23 or minutes > 59:
            raise ValidationError(_("Saisissez une heure de la journée, par exemple 14:30."), code="invalid")
        return hours * 60 + minutes

    def prepare_value(self, value):
        return minutes_text(value) if isinstance(value, int) else value


class TimeOfDay(QuestionType):
    key = "time"
    label = gettext_lazy("Heure")
    order = 105
    layout = "single"

    def fields(self, question, context):
        return {
            field_name(question): TimeOfDayField(
                required=context.required(question), label=question.text(context.locale)
            )
        }

    def answers(self, question, cleaned, context):
        value = cleaned.get(field_name(question))
        return [{"number": value}] if value is not None else []

    def initial(self, question, saved):
        return {field_name(question): int(answer.number) for answer in saved if answer.number is not None}

    def tokens(self, question, answers):
        return {minutes_text(answer.number) for answer in answers if answer.number is not None}

    def expression_value(self, question, answers, choice_codes, row_codes):
        found = [minutes_text(answer.number) for answer in answers if answer.number is not None]
        return (found[0] if found else ""), {}

    def summarise(self, result, question, tallies):
        counts = dict.fromkeys(code for code, _label, _start in PERIODS)
        for _row, _choice, number, n in tallies.counts:
            if number is None:
                continue
            code = next(code for code, _label, start in reversed(PERIODS) if number >= start)
            counts[code] = (counts[code] or 0) + n
        result.distribution = [
            cell(label, code, counts[code] or 0, tallies.respondents) for code, label, _start in PERIODS
        ]

    def export_value(self, row, codes):
        return minutes_text(row.number) if row.number is not None else None

    def from_limesurvey(self, planner, record, where):
        return [planner.base_question(record, where, self.key)]


TYPE = TimeOfDay()
