"""Multiple choice: check boxes, optionally "other" with a text, and a minimum and maximum number of choices.
Stored as one Answer per choice picked. LimeSurvey: M and P."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from surveys.types.base import field_name
from surveys.types.single import SingleChoice


class MultipleChoice(SingleChoice):
    key = "multiple"
    label = gettext_lazy("Choix multiple")
    order = 20
    limesurvey_letters = ("M", "P")

    def main_field(self, question, context):
        return forms.MultipleChoiceField(
            choices=self.options(question, context),
            required=context.required(question),
            widget=forms.CheckboxSelectMultiple,
        )

    def single_input(self, question):
        return False

    def picked(self, question, cleaned):
        return cleaned.get(field_name(question)) or []

    def show_initial(self, initial, name, code):
        initial.setdefault(name, []).append(code)

    def check(self, question, cleaned, context):
        problems = super().check(question, cleaned, context)
        count = len(self.picked(question, cleaned))
        high, low = question.max_choices, question.min_choices
        if high is not None and count > high:
            message = ngettext("Choisissez au plus %(count)d réponse.", "Choisissez au plus %(count)d réponses.", high)
            problems.append((field_name(question), message % {"count": high}))
        elif context.strict and count and low and count < low:
            message = ngettext("Choisissez au moins %(count)d réponse.", "Choisissez au moins %(count)d réponses.", low)
            problems.append((field_name(question), message % {"count": low}))
        return problems

    def from_limesurvey(self, planner, record, where):
        question = planner.base_question(record, where, self.key)
        question.choices = planner.sub_options(record, where, _("choix"))
        question.allow_other = record["other"] == "Y"
        question.randomize = planner.randomized(record)
        low = planner.count_attribute(record, "min_answers", where)
        high = planner.count_attribute(record, "max_answers", where)
        if low is not None and high is not None and low > high:
            planner.missed(
                _("%(where)s : minimum de choix (%(low)s) supérieur au maximum (%(high)s), non importés.")
                % {"where": where, "low": low, "high": high}
            )
            low = high = None
        question.min_choices, question.max_choices = low, high
        if record["type"] == "P":
            planner.missed(_("%(where)s : les commentaires de chaque choix ne sont pas importés.") % {"where": where})
        if not question.choices:
            planner.missed(_("%(where)s : aucun choix (sous-question) dans le fichier.") % {"where": where})
        return [question]


TYPE = MultipleChoice()
