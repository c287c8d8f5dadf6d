"""An array of numbers (LimeSurvey's ``:``): rows (the question's rows) by columns (its choices), one number per
cell, each between the question's optional bounds (``min_value``, ``max_value``), whole when ``integer_only``;
the sum of all cells may have to equal ``total`` or lie between ``total_min`` and ``total_max``, and the rows
answered may have to be at least ``rows_min`` and at most ``rows_max`` (``surveys.types.validation``).

Stored as one Answer per cell filled (its row, its column as the choice, and the number). Conditions match
"*", the total, and ``row_column`` for the cells given more than 0; expressions see ``Q.ROW_COLUMN`` (and
``Q.ROW`` when there is one column). Reports: per row and column, the mean of the cell, shown only when at
least as many ambassadors as the privacy threshold answered it. Exported as one column per cell
(``code[row_column]``)."""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.privacy import is_shown
from surveys.types.base import QuestionType, decimal_text, field_name, plain_number
from surveys.types.multiple_numeric import TYPE as SEVERAL_NUMBERS
from surveys.types.multiple_numeric import shown_number
from surveys.types.number import number_field
from surveys.types.summary import weighted_mean
from surveys.types.validation import INTEGER_SETTINGS, ROWS_SETTINGS, rows_errors, rows_problem


def cell_name(question, row, column):
    return field_name(question, f"_r{row.pk}_c{column.pk}")


def cell_code(row, column):
    return f"{row.code}_{column.code}"


class ArrayNumbers(QuestionType):
    key = "array_numbers"
    label = gettext_lazy("Tableau de nombres (lignes × colonnes)")
    order = 75
    has_choices = True  # the columns
    shuffles = False
    layout = "items"
    limesurvey_letters = (":",)
    limesurvey_attributes = frozenset({"multiflexible_min", "multiflexible_max"})
    settings_fields = {
        **{name: SEVERAL_NUMBERS.settings_fields[name] for name in ("total", "total_min", "total_max")},
        **INTEGER_SETTINGS,
        **ROWS_SETTINGS,
    }

    # --- the question, in the admin ----------------------------------------------------------------------

    def settings_errors(self, settings):
        errors = super().settings_errors(settings)
        if errors:
            return errors
        totals = {name: value for name, value in (settings or {}).items() if name.startswith("total")}
        return SEVERAL_NUMBERS.settings_errors(totals) or rows_errors(settings)

    # --- answering -----------------------------------------------------------------------------------------

    def cells(self, question, context):
        """(row, column) of every cell, row by row, columns in the question's order."""
        columns = list(context.choices) if context is not None else list(question.choices.all())
        return [(row, column) for row in question.rows.all() for column in columns]

    def cell_label(self, row, column, locale):
        return f"{row.label(locale)} — {column.label(locale)}"

    def cell_field(self, question, context, label):
        return number_field(question, required=context.required(question), label=label)

    def fields(self, question, context):
        return {
            cell_name(question, row, column): self.cell_field(
                question, context, self.cell_label(row, column, context.locale)
            )
            for row, column in self.cells(question, context)
        }

    def filled(self, value):
        return value is not None

    def check(self, question, cleaned, context):
        cells = self.cells(question, context)
        if not cells:
            return []
        first = cell_name(question, *cells[0])
        problems = []
        answered_rows = {row.pk for row, column in cells if self.filled(cleaned.get(cell_name(question, row, column)))}
        problem = rows_problem(question, len(answered_rows), strict=context.strict)
        if problem:
            problems.append((first, problem))
        problems += self.total_check(question, cleaned, cells, first, context)
        return problems

    def total_check(self, question, cleaned, cells, first, context):
        filled = [
            cleaned[name] for name in (cell_name(question, *cell) for cell in cells) if cleaned.get(name) is not None
        ]
        if not filled:
            return []
        found = sum(filled)
        message, expected = SEVERAL_NUMBERS.total_problem(question, found, strict=context.strict)
        if message is None:
            return []
        return [(first, message % {"expected": shown_number(expected), "total": shown_number(found)})]

    def stored(self, value):
        return {"number": value}

    def answers(self, question, cleaned, context):
        return [
            {"row": row, "choice": column, **self.stored(cleaned[cell_name(question, row, column)])}
            for row, column in self.cells(question, context)
            if self.filled(cleaned.get(cell_name(question, row, column)))
        ]

    def shown(self, answer):
        return shown_number(answer.number)

    def initial(self, question, saved):
        return {
            field_name(question, f"_r{answer.row_id}_c{answer.choice_id}"): self.shown(answer)
            for answer in saved
            if answer.row_id and answer.choice_id
        }

    def codes(self, question):
        """{(row id, column id): "row_column"}."""
        return {(row.pk, column.pk): cell_code(row, column) for row, column in self.cells(question, None)}

    def tokens(self, question, answers):
        codes = self.codes(question)
        numbers = [answer.number for answer in answers if answer.number is not None]
        tokens = {codes.get((answer.row_id, answer.choice_id), "").lower() for answer in answers if answer.number}
        return tokens | ({decimal_text(sum(numbers))} if numbers else set())

    def value(self, answer):
        return Decimal(answer.number)

    def expression_value(self, question, answers, choice_codes, row_codes):
        """(the question's own value, {"ROW_COLUMN": cell value, and "ROW" when there is one column}), from the
        codes given (no query)."""
        single_column = len(choice_codes) == 1
        subs = {}
        for answer in answers:
            row, column = row_codes.get(answer.row_id), choice_codes.get(answer.choice_id)
            if row is None or column is None:
                continue
            subs[f"{row}_{column}"] = self.value(answer)
            if single_column:
                subs[row] = self.value(answer)
        return self.whole_value(answers), subs

    def whole_value(self, answers):
        """The value of the question itself: the sum of its numbers ("" when none)."""
        numbers = [answer.number for answer in answers if answer.number is not None]
        return Decimal(sum(numbers)) if numbers else ""

    # --- reports -------------------------------------------------------------------------------------------

    def summarise(self, result, question, tallies):
        by_cell = defaultdict(list)
        for row_id, choice_id, number, n in tallies.counts:
            if row_id is not None and choice_id is not None and number is not None:
                by_cell[(row_id, choice_id)].append((number, n))
        columns = list(question.choices.all())
        result.table = {
            "columns": [_("Moyenne : %(column)s") % {"column": column.label()} for column in columns],
            "rows": [
                {
                    "label": row.label(),
                    "code": row.code,
                    "cells": [self.cell_mean(by_cell.get((row.pk, column.pk), [])) for column in columns],
                }
                for row in question.rows.all()
            ],
        }

    def cell_mean(self, pairs):
        """The mean of one cell; None when too few answered it, "" when no one did."""
        count = sum(n for _number, n in pairs)
        if not is_shown(count):
            return None
        return weighted_mean(pairs) if count else ""

    # --- export --------------------------------------------------------------------------------------------

    def export_columns(self, question):
        return [f"{question.code}[{cell_code(row, column)}]" for row, column in self.cells(question, None)]

    def export_cells(self, question, rows, codes):
        by_cell = {(row.row_id, row.choice_id): self.export_value(row, codes) for row in rows}
        return [by_cell.get((row.pk, column.pk)) for row, column in self.cells(question, None)]

    def export_value(self, row, codes):
        return plain_number(row.number)

    # --- LimeSurvey ----------------------------------------------------------------------------------------

    def from_limesurvey(self, planner, record, where):
        question = planner.base_question(record, where, self.key)
        question.rows = planner.sub_options(record, where, _("ligne"))
        question.choices = planner.options(planner.children(record, scale=1), where, _("colonne"), "question")
        self.limesurvey_settings(planner, record, where, question)
        if planner.randomized(record):
            planner.missed(_("%(where)s : ordre aléatoire des lignes non importé.") % {"where": where})
        if not question.rows:
            planner.missed(_("%(where)s : aucune ligne (sous-question) dans le fichier.") % {"where": where})
        if not question.choices:
            planner.missed(
                _("%(where)s : aucune colonne (sous-question de l'axe X) dans le fichier.") % {"where": where}
            )
        return [question]

    def limesurvey_settings(self, planner, record, where, question):
        low = planner.number_attribute(record, "multiflexible_min", where)
        high = planner.number_attribute(record, "multiflexible_max", where)
        if low is not None and high is not None and low > high:
            low = high = None
        question.min_value, question.max_value = low, high


TYPE = ArrayNumbers()
