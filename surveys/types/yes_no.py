"""Yes or no. Stored as one Answer with the number 1 (yes) or 0 (no); conditions match "oui", "yes", "y", "1"
or "non", "no", "n", "0"; exported as "oui" or "non". LimeSurvey: Y."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.types.base import field_name
from surveys.types.points import PointsType

YES, NO = "oui", "non"


class YesNo(PointsType):
    key = "yes_no"
    label = gettext_lazy("Oui / non")
    order = 30
    limesurvey_letters = ("Y",)

    def values(self, question):
        return [1, 0]

    def value_label(self, value):
        return _("Oui") if value == 1 else _("Non")

    def field(self, question, context):
        return forms.ChoiceField(
            choices=[(YES, _("Oui")), (NO, _("Non"))], required=context.required(question), widget=forms.RadioSelect
        )

    def answers(self, question, cleaned, context):
        value = cleaned.get(field_name(question))
        return [{"number": 1 if value == YES else 0}] if value else []

    def initial(self, question, saved):
        return {field_name(question): YES if answer.number else NO for answer in saved}

    def tokens(self, question, answers):
        tokens = set()
        for answer in answers:
            tokens.update([YES, "yes", "y", "1"] if answer.number else [NO, "no", "n", "0"])
        return tokens

    def export_value(self, row, codes):
        return _("oui") if row.number == 1 else _("non")

    def from_limesurvey(self, planner, record, where):
        return [planner.base_question(record, where, self.key)]


TYPE = YesNo()
