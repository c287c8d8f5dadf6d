"""An array of short texts (LimeSurvey's ``;``): rows (the question's rows) by columns (its choices), one short
text per cell (500 characters at most); the rows answered may have to be at least ``rows_min`` and at most
``rows_max`` (``surveys.types.validation``).

Stored as one Answer per cell filled (its row, its column as the choice, and the text, trimmed). Conditions
match "*" and ``row_column`` for the cells filled; expressions see ``Q.ROW_COLUMN`` (and ``Q.ROW`` when there is
one column). Free texts never reach a report: it shows how many answered, nothing of what they wrote (the
texts are in the responses table, for those who may see ambassadors). Exported as one column per cell
(``code[row_column]``)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.types.array_numbers import ArrayNumbers
from surveys.types.validation import ROWS_SETTINGS, TEXT_MAX_LENGTH, rows_errors


class ArrayTexts(ArrayNumbers):
    key = "array_texts"
    label = gettext_lazy("Tableau de textes courts (lignes × colonnes)")
    order = 76
    counted = False
    limesurvey_letters = (";",)
    limesurvey_attributes = frozenset()
    settings_fields = ROWS_SETTINGS

    def settings_errors(self, settings):
        errors = super(ArrayNumbers, self).settings_errors(settings)
        return errors or rows_errors(settings)

    def cell_field(self, question, context, label):
        return forms.CharField(
            required=context.required(question),
            max_length=TEXT_MAX_LENGTH,
            label=label,
            widget=forms.TextInput,
        )

    def filled(self, value):
        return bool(value and value.strip())

    def total_check(self, question, cleaned, cells, first, context):
        return []

    def stored(self, value):
        return {"text": value.strip()}

    def shown(self, answer):
        return answer.text

    def tokens(self, question, answers):
        codes = self.codes(question)
        return {codes.get((answer.row_id, answer.choice_id), "").lower() for answer in answers if answer.text}

    def value(self, answer):
        return answer.text

    def whole_value(self, answers):
        """The value of the question itself: its texts ("" when none)."""
        return [answer.text for answer in answers if answer.text] or ""

    def summarise(self, result, question, tallies):
        """Nothing but the respondents: the texts are free text."""

    def export_value(self, row, codes):
        return row.text

    def limesurvey_settings(self, planner, record, where, question):
        if planner.attribute_set(record, "numbers_only"):
            planner.missed(
                _("%(where)s : « chiffres seulement » non importé, les cellules acceptent du texte.") % {"where": where}
            )


TYPE = ArrayTexts()
