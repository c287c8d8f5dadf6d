"""Single choice: radio buttons or a drop-down list, optionally "other" with a text. Stored as one Answer with
the choice (or, for "other", its text). LimeSurvey: lists (L, !, O) and gender (G)."""

from collections import defaultdict

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.types.base import OTHER, QuestionType, field_name
from surveys.types.summary import cell

GENDER = [("F", "Femme", "Female"), ("M", "Homme", "Male")]


class SingleChoice(QuestionType):
    key = "single"
    label = gettext_lazy("Choix unique")
    order = 10
    has_choices = True
    has_other = True
    cross_tabs = True
    limesurvey_letters = ("L", "!", "O", "G")
    widget = forms.RadioSelect

    def offers_other(self, question):
        return self.has_other and question.allow_other

    def options(self, question, context):
        choices = [(choice.code, choice.label(context.locale)) for choice in context.choices]
        if self.offers_other(question):
            choices.append((OTHER, _("Autre")))
        return choices

    def main_field(self, question, context):
        required = context.required(question)
        if question.dropdown:
            return forms.ChoiceField(
                choices=[("", _("Choisissez…")), *self.options(question, context)], required=required
            )
        return forms.ChoiceField(choices=self.options(question, context), required=required, widget=self.widget)

    def fields(self, question, context):
        field = self.main_field(question, context)
        field.label = question.text(context.locale)
        fields = {field_name(question): field}
        if self.offers_other(question):
            fields[field_name(question, "_other")] = forms.CharField(
                required=False, max_length=500, label=_("Précisez")
            )
        return fields

    def single_input(self, question):
        return bool(question.dropdown)

    def picked(self, question, cleaned):
        picked = cleaned.get(field_name(question))
        return [picked] if picked else []

    def check(self, question, cleaned, context):
        if not self.offers_other(question):
            return []
        name = field_name(question, "_other")
        other = cleaned.get(name, "").strip()
        picked = set(self.picked(question, cleaned))
        if OTHER in picked and not other:
            return [(name, _("Précisez votre réponse « Autre »."))]
        if other and OTHER not in picked:
            return [(name, _("Cochez « Autre » pour donner cette réponse, ou effacez le texte."))]
        return []

    def point(self, question, choice):
        """The number stored with a choice (its point on a scale), or None."""
        return None

    def answers(self, question, cleaned, context):
        by_code = {choice.code: choice for choice in context.choices}
        rows = []
        for code in self.picked(question, cleaned):
            if code == OTHER:
                rows.append({"text": cleaned[field_name(question, "_other")].strip()})
            else:
                rows.append({"choice": by_code[code], "number": self.point(question, by_code[code])})
        return rows

    def initial(self, question, saved):
        codes = {choice.pk: choice.code for choice in question.choices.all()}
        initial = {}
        for answer in saved:
            code = codes.get(answer.choice_id, OTHER) if answer.choice_id else OTHER
            if code == OTHER:
                initial[field_name(question, "_other")] = answer.text
            self.show_initial(initial, field_name(question), code)
        return initial

    def show_initial(self, initial, name, code):
        initial[name] = code

    def tokens(self, question, answers):
        codes = {choice.pk: choice.code.lower() for choice in question.choices.all()}
        tokens = set()
        for answer in answers:
            if answer.choice_id:
                tokens.add(codes.get(answer.choice_id, ""))
            elif self.has_other:
                tokens.update(["autre", "other"])
        return tokens

    # reports

    def keeps_texts(self, question):
        return bool(question.allow_other)

    def summarise(self, result, question, tallies):
        by_choice = defaultdict(int)
        for _row, choice, _number, n in tallies.counts:
            by_choice[choice] += n
        total = tallies.respondents
        result.distribution = [
            cell(choice.label(), choice.code, by_choice.get(choice.pk, 0), total) for choice in question.choices.all()
        ]
        if by_choice.get(None):
            result.distribution.append(cell(_("Autre"), OTHER, by_choice[None], total))
        return by_choice

    def cross_tab_keys(self, question):
        keys = [(choice.pk, choice.label(), choice.code) for choice in question.choices.all()]
        if self.offers_other(question):
            keys.append((None, _("Autre"), OTHER))
        return "choice_id", keys

    # LimeSurvey

    def from_limesurvey(self, planner, record, where):
        question = planner.base_question(record, where, self.key)
        if record["type"] == "G":
            question.choices = list(GENDER)
            return [question]
        question.choices = planner.answer_options(record, where)
        question.dropdown = record["type"] == "!"
        question.allow_other = record["other"] == "Y"
        question.randomize = planner.randomized(record)
        if record["type"] == "O":
            planner.missed(_("%(where)s : le champ de commentaire de la liste n'est pas importé.") % {"where": where})
        if not question.choices:
            planner.missed(_("%(where)s : aucun choix de réponse dans le fichier.") % {"where": where})
        return [question]


TYPE = SingleChoice()
