"""Ranking: the ambassador gives ranks 1, 2, 3... to the choices they rank (each rank once, none skipped).
Stored as one Answer per ranked choice with its rank. Reports: per choice, how many ranked it, its average
rank and how many ranked it first. Exported as one column per choice (its rank). LimeSurvey: R."""

from collections import defaultdict

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.privacy import is_shown
from surveys.types.base import QuestionType, field_name, plain_number
from surveys.types.summary import weighted_mean


def rank_name(question, choice):
    return field_name(question, f"_c{choice.pk}")


class Ranking(QuestionType):
    key = "ranking"
    label = gettext_lazy("Classement")
    order = 80
    has_choices = True
    layout = "items"
    limesurvey_letters = ("R",)

    def fields(self, question, context):
        ranks = [("", "—")] + [(str(rank), str(rank)) for rank in range(1, len(context.choices) + 1)]
        return {
            rank_name(question, choice): forms.ChoiceField(
                choices=ranks, required=context.required(question), label=choice.label(context.locale)
            )
            for choice in context.choices
        }

    def before(self, question):
        return format_html('<p class="hint">{}</p>', _("Donnez le rang 1 à ce que vous préférez."))

    def check(self, question, cleaned, context):
        names = [rank_name(question, choice) for choice in context.choices]
        ranks = [cleaned.get(name) for name in names if cleaned.get(name)]
        if len(ranks) != len(set(ranks)):
            return [(names[0], _("Chaque rang ne peut servir qu'une fois."))]
        if ranks and sorted(int(rank) for rank in ranks) != list(range(1, len(ranks) + 1)):
            return [(names[0], _("Classez à partir de 1, sans sauter de rang."))]
        return []

    def answers(self, question, cleaned, context):
        rows = []
        for choice in context.choices:
            rank = cleaned.get(rank_name(question, choice))
            if rank:
                rows.append({"choice": choice, "number": int(rank)})
        return rows

    def initial(self, question, saved):
        return {
            field_name(question, f"_c{answer.choice_id}"): str(int(answer.number))
            for answer in saved
            if answer.choice_id
        }

    def tokens(self, question, answers):
        codes = {choice.pk: choice.code.lower() for choice in question.choices.all()}
        return {codes.get(answer.choice_id, "") for answer in answers if answer.choice_id}

    def summarise(self, result, question, tallies):
        ranks = defaultdict(list)
        for _row, choice, number, n in tallies.counts:
            ranks[choice].append((number, n))
        result.ranking = []
        for choice in question.choices.all():
            pairs = ranks.get(choice.pk, [])
            ranked = sum(n for _number, n in pairs)
            first = sum(n for number, n in pairs if number == 1)
            result.ranking.append(
                {
                    "label": choice.label(),
                    "code": choice.code,
                    "ranked": ranked,  # as counted: the report's privacy pass withholds them
                    "average": weighted_mean(pairs) if ranked and is_shown(ranked) else None,
                    "first": first,
                }
            )
        result.ranking.sort(key=lambda line: (line["average"] is None, line["average"] or 0))

    def export_columns(self, question):
        return [f"{question.code}[{choice.code}]" for choice in question.choices.all()]

    def export_cells(self, question, rows, codes):
        by_choice = {row.choice_id: plain_number(row.number) for row in rows}
        return [by_choice.get(choice.pk) for choice in question.choices.all()]

    def from_limesurvey(self, planner, record, where):
        question = planner.base_question(record, where, self.key)
        question.choices = planner.answer_options(record, where)
        if not question.choices:
            question.choices = planner.sub_options(record, where, _("choix"))
        question.randomize = planner.randomized(record)
        for name in ("min_answers", "max_answers"):
            if planner.attribute_set(record, name):
                planner.missed(_("%(where)s : %(name)s du classement non importé.") % {"where": where, "name": name})
        if not question.choices:
            planner.missed(_("%(where)s : aucun élément à classer dans le fichier.") % {"where": where})
        return [question]


TYPE = Ranking()
