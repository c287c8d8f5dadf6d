"""A matrix: rows answered on one shared scale (the choices are its columns). Stored as one Answer per row
answered, with the choice and its position (1 for the first column); the rows answered may have to be at
least ``rows_min`` and at most ``rows_max`` (``surveys.types.validation``). Reports: per row, its respondents,
the count of each column and the mean position. Exported as one column per row. LimeSurvey: arrays (F, H),
fixed arrays (A, B, C, E) and dual scales (1, first scale only)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.privacy import is_shown, shown
from surveys.types.base import QuestionType, field_name
from surveys.types.summary import Cell, cell, weighted_mean
from surveys.types.validation import ROWS_SETTINGS, rows_errors, rows_problem


def points(count):
    return [(str(point), str(point), str(point)) for point in range(1, count + 1)]


FIXED_COLUMNS = {
    "A": points(5),
    "B": points(10),
    "C": [("Y", "Oui", "Yes"), ("U", "Incertain", "Uncertain"), ("N", "Non", "No")],
    "E": [("I", "Augmente", "Increase"), ("S", "Identique", "Same"), ("D", "Diminue", "Decrease")],
}


def row_name(question, row):
    return field_name(question, f"_r{row.pk}")


class Matrix(QuestionType):
    key = "matrix"
    label = gettext_lazy("Tableau (lignes sur une même échelle)")
    order = 70
    has_choices = True
    layout = "rows"
    limesurvey_letters = ("F", "H", "A", "B", "C", "E", "1")
    settings_fields = ROWS_SETTINGS

    def settings_errors(self, settings):
        return super().settings_errors(settings) or rows_errors(settings)

    def fields(self, question, context):
        choices = [(choice.code, choice.label(context.locale)) for choice in context.choices]
        return {
            row_name(question, row): forms.ChoiceField(
                choices=choices,
                required=context.required(question),
                label=row.label(context.locale),
                widget=forms.RadioSelect,
            )
            for row in question.rows.all()
        }

    def check(self, question, cleaned, context):
        names = [row_name(question, row) for row in question.rows.all()]
        problem = rows_problem(question, sum(1 for name in names if cleaned.get(name)), strict=context.strict)
        return [(names[0], problem)] if problem else []

    def answers(self, question, cleaned, context):
        by_code = {choice.code: choice for choice in context.choices}
        position = {choice.code: index for index, choice in enumerate(question.choices.all(), start=1)}
        rows = []
        for row in question.rows.all():
            code = cleaned.get(row_name(question, row))
            if code:
                rows.append({"row": row, "choice": by_code[code], "number": position[code]})
        return rows

    def initial(self, question, saved):
        codes = {choice.pk: choice.code for choice in question.choices.all()}
        return {
            field_name(question, f"_r{answer.row_id}"): codes.get(answer.choice_id) for answer in saved if answer.row_id
        }

    def tokens(self, question, answers):
        codes = {choice.pk: choice.code.lower() for choice in question.choices.all()}
        return {codes.get(answer.choice_id, "") for answer in answers if answer.choice_id}

    def summarise(self, result, question, tallies):
        choices = list(question.choices.all())
        positions = {choice.pk: position for position, choice in enumerate(choices, start=1)}
        cells = {(row, choice): n for row, choice, _number, n in tallies.counts}
        result.matrix_columns = [choice.label() for choice in choices]
        result.matrix = []
        for row in question.rows.all():
            answered = tallies.row_respondents.get(row.pk, 0)
            line = {"label": row.label(), "code": row.code, "respondents": shown(answered), "cells": [], "mean": None}
            if is_shown(answered):
                line["cells"] = [
                    cell(choice.label(), choice.code, cells.get((row.pk, choice.pk), 0), answered) for choice in choices
                ]
                line["mean"] = weighted_mean(
                    [
                        (positions[choice], n)
                        for (row_id, choice), n in cells.items()
                        if row_id == row.pk and choice in positions
                    ]
                )
            else:
                line["cells"] = [Cell(choice.label(), choice.code, None, None) for choice in choices]
            result.matrix.append(line)

    def export_columns(self, question):
        return [f"{question.code}[{row.code}]" for row in question.rows.all()]

    def export_cells(self, question, rows, codes):
        by_row = {row.row_id: codes.get(row.choice_id) for row in rows}
        return [by_row.get(row.pk) for row in question.rows.all()]

    def from_limesurvey(self, planner, record, where):
        letter = record["type"]
        if letter == "H":
            planner.missed(
                _("%(where)s : tableau par colonne, affiché par lignes (mêmes réponses, présentation transposée).")
                % {"where": where}
            )
        if letter == "1":
            second = planner.answer_options(record, where, scale=1)
            if second:
                planner.missed(
                    _("%(where)s : seconde échelle (%(count)s choix) non importée, seule la première l'est.")
                    % {"where": where, "count": len(second)}
                )
        columns = list(FIXED_COLUMNS[letter]) if letter in FIXED_COLUMNS else planner.answer_options(record, where)
        question = planner.base_question(record, where, self.key)
        question.rows = planner.sub_options(record, where, _("ligne"))
        question.choices = columns
        if planner.randomized(record):
            planner.missed(_("%(where)s : ordre aléatoire des lignes non importé.") % {"where": where})
        if not question.rows:
            planner.missed(_("%(where)s : aucune ligne (sous-question) dans le fichier.") % {"where": where})
        if not question.choices:
            planner.missed(_("%(where)s : aucune colonne (réponse) dans le fichier.") % {"where": where})
        return [question]


TYPE = Matrix()
