"""A number, typed the French or the English way ("1 250,5" or "1250.5"), between optional bounds, whole when
``integer_only`` is set. Stored as one Answer with the number. Reports: mean, median, lowest and highest.
LimeSurvey: N, and K (multiple numbers) as one number question per subquestion when no type takes K whole."""

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy

from surveys.types.base import NumberField, QuestionType, decimal_text, field_name
from surveys.types.summary import number_pairs, weighted_mean, weighted_median
from surveys.types.validation import INTEGER_SETTINGS, integer_only, integer_validator, number_attrs


def number_field(question, *, required, label, widget=forms.TextInput, attrs=None):
    """A number between the question's bounds, whole when the question takes integers only."""
    return NumberField(
        required=required,
        min_value=question.min_value,
        max_value=question.max_value,
        max_digits=14,
        decimal_places=4,
        label=label,
        validators=[integer_validator] if integer_only(question) else [],
        widget=widget(attrs={**number_attrs(question), **(attrs or {})}),
    )


def number_initial(value):
    return number_format(decimal_text(value), use_l10n=True)


class Number(QuestionType):
    key = "number"
    label = gettext_lazy("Nombre")
    order = 90
    layout = "single"
    limesurvey_letters = ("N",)
    limesurvey_fallback_letters = ("K",)  # one number question per subquestion, unless a type takes K whole
    settings_fields = INTEGER_SETTINGS

    def fields(self, question, context):
        return {
            field_name(question): number_field(
                question, required=context.required(question), label=question.text(context.locale)
            )
        }

    def answers(self, question, cleaned, context):
        value = cleaned.get(field_name(question))
        return [{"number": value}] if value is not None else []

    def initial(self, question, saved):
        return {field_name(question): number_initial(answer.number) for answer in saved}

    def tokens(self, question, answers):
        return {decimal_text(answer.number) for answer in answers if answer.number is not None}

    def summarise(self, result, question, tallies):
        pairs = number_pairs(tallies)
        result.mean, result.median = weighted_mean(pairs), weighted_median(pairs)
        if pairs:
            result.low, result.high = min(number for number, _n in pairs), max(number for number, _n in pairs)

    def from_limesurvey(self, planner, record, where):
        if record["type"] != "N":
            return planner.per_subquestion(
                record, where, self.key, each=lambda question: planner.number_bounds(question, record, where)
            )
        question = planner.base_question(record, where, self.key)
        planner.number_bounds(question, record, where)
        return [question]


TYPE = Number()
