"""Several numbers as one question (LimeSurvey's multiple numeric, K): one number per item (the question's
rows), each between the question's optional bounds (``min_value``, ``max_value``), and a total that may have
to equal a value (``total``: "split 100 points between these five services") or lie between a minimum and a
maximum (``total_min``, ``total_max``), kept in ``Question.settings``.

Stored as one Answer per item filled (its row and number). The page shows a live running total (a script,
when it runs) and the server checks the total, naming what is wrong. Conditions match "*", the total, and
the codes of the items given more than 0. Reports: per item its answers, mean, median, minimum and maximum
(an item answered by fewer ambassadors than the privacy threshold shows none), and the mean total. Exported
as one column per item (``code[item]``)."""

from collections import defaultdict

from django import forms
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.privacy import is_shown
from campaigns.privacy.statistics import extreme
from surveys.types.base import NumberField, QuestionType, decimal_text, field_name, plain_number
from surveys.types.number import number_field
from surveys.types.summary import weighted_mean, weighted_median
from surveys.types.validation import INTEGER_SETTINGS

TOTALS = ("total", "total_min", "total_max")
SETTINGS_FROM_LIMESURVEY = {"total": "equals_num_value", "total_min": "min_num_value", "total_max": "max_num_value"}


def total_field(label):
    def factory():
        return NumberField(
            label=label,
            required=False,
            max_digits=14,
            decimal_places=4,
            help_text=_("Plusieurs nombres : laissez vide pour ne rien imposer."),
        )

    return factory


def shown_number(value):
    return number_format(decimal_text(value), use_l10n=True)


def item_name(question, row):
    return field_name(question, f"_r{row.pk}")


class ItemInput(forms.TextInput):
    """One item's number; the script adds them up as they are typed."""

    class Media:
        js = ["surveys/types/multiple_numeric.js"]


class MultipleNumeric(QuestionType):
    key = "multiple_numeric"
    label = gettext_lazy("Plusieurs nombres (et leur total)")
    order = 95
    layout = "items"
    limesurvey_letters = ("K",)
    limesurvey_attributes = frozenset(SETTINGS_FROM_LIMESURVEY.values())
    settings_fields = {
        "total": total_field(gettext_lazy("total imposé")),
        "total_min": total_field(gettext_lazy("total minimum")),
        "total_max": total_field(gettext_lazy("total maximum")),
        **INTEGER_SETTINGS,
    }

    # --- the question, in the admin ----------------------------------------------------------------------

    def settings_errors(self, settings):
        errors = super().settings_errors(settings)
        if errors:
            return errors
        values = {name: NumberField().clean(value) for name, value in (settings or {}).items() if name in TOTALS}
        total, low, high = (values.get(name) for name in ("total", "total_min", "total_max"))
        if total is not None and (low is not None or high is not None):
            errors["total"] = _("Un total imposé exclut un minimum et un maximum du total : gardez l'un ou les autres.")
        elif low is not None and high is not None and low > high:
            errors["total_max"] = _("Le maximum est inférieur au minimum.")
        return errors

    def totals(self, question):
        """(total, minimum, maximum) of the question's settings, None where unset."""
        return tuple(self.setting(question, name) for name in ("total", "total_min", "total_max"))

    def rule(self, total, low, high):
        """The rule of the total in words, or ""."""
        if total is not None:
            return _("Le total doit faire %(total)s.") % {"total": shown_number(total)}
        if low is not None and high is not None:
            return _("Le total doit être compris entre %(low)s et %(high)s.") % {
                "low": shown_number(low),
                "high": shown_number(high),
            }
        if low is not None:
            return _("Le total doit faire au moins %(low)s.") % {"low": shown_number(low)}
        if high is not None:
            return _("Le total doit faire au plus %(high)s.") % {"high": shown_number(high)}
        return ""

    # --- answering -----------------------------------------------------------------------------------------

    def fields(self, question, context):
        return {
            item_name(question, row): number_field(
                question,
                required=context.required(question),
                label=row.label(context.locale),
                widget=ItemInput,
                attrs={"data-total-of": field_name(question)},
            )
            for row in question.rows.all()
        }

    def check(self, question, cleaned, context):
        names = [item_name(question, row) for row in question.rows.all()]
        filled = [cleaned[name] for name in names if cleaned.get(name) is not None]
        if not filled:
            return []
        found = sum(filled)
        message, expected = self.total_problem(question, found, strict=context.strict)
        if message is None:
            return []
        return [(names[0], message % {"expected": shown_number(expected), "total": shown_number(found)})]

    def total_problem(self, question, found, *, strict):
        """(message, expected value) when the total ``found`` breaks the question's rule, else (None, None).
        Going back a page (not ``strict``), only a total already too big is refused."""
        total, low, high = self.totals(question)
        if total is not None and (found > total or (strict and found != total)):
            return _("Le total doit faire %(expected)s : il fait %(total)s."), total
        if high is not None and found > high:
            return _("Le total doit faire au plus %(expected)s : il fait %(total)s."), high
        if low is not None and strict and found < low:
            return _("Le total doit faire au moins %(expected)s : il fait %(total)s."), low
        return None, None

    def answers(self, question, cleaned, context):
        return [
            {"row": row, "number": cleaned[item_name(question, row)]}
            for row in question.rows.all()
            if cleaned.get(item_name(question, row)) is not None
        ]

    def initial(self, question, saved):
        return {
            field_name(question, f"_r{answer.row_id}"): shown_number(answer.number) for answer in saved if answer.row_id
        }

    def tokens(self, question, answers):
        codes = {row.pk: row.code.lower() for row in question.rows.all()}
        numbers = [answer.number for answer in answers if answer.number is not None]
        tokens = {codes.get(answer.row_id, "") for answer in answers if answer.number}
        return tokens | ({decimal_text(sum(numbers))} if numbers else set())

    def before(self, question):
        rule = self.rule(*self.totals(question))
        return format_html('<p class="hint">{}</p>', rule) if rule else ""

    def after(self, question):
        label = _("Total : %(total)s") % {"total": "{total}"}
        return format_html(
            '<p class="running-total" data-running-total="{}" data-label="{}" hidden>'
            '<output aria-live="polite"></output></p>',
            field_name(question),
            label,
        )

    # --- reports -------------------------------------------------------------------------------------------

    def summarise(self, result, question, tallies):
        by_row = defaultdict(list)
        for row_id, _choice, number, n in tallies.counts:
            if row_id is not None and number is not None:
                by_row[row_id].append((number, n))
        result.table = {
            "columns": [_("Réponses"), _("Moyenne"), _("Médiane"), _("Minimum"), _("Maximum")],
            "rows": [
                {"label": row.label(), "code": row.code, "cells": self.item_figures(by_row.get(row.pk, []))}
                for row in question.rows.all()
            ],
        }
        if tallies.respondents:
            grand = sum(float(number) * n for pairs in by_row.values() for number, n in pairs)
            result.figures = [(_("Total moyen"), grand / tallies.respondents)]

    def item_figures(self, pairs):
        """Answers, mean, median, minimum and maximum of one item; None when too few answered, "" for none."""
        count = sum(n for _number, n in pairs)
        if not is_shown(count):
            return [None] * 5
        if not count:
            return [0, "", "", "", ""]
        low, high = extreme(pairs), extreme(pairs, highest=True)
        return [
            count,
            weighted_mean(pairs),
            weighted_median(pairs),
            None if low is None else plain_number(low),
            None if high is None else plain_number(high),
        ]

    # --- export --------------------------------------------------------------------------------------------

    def export_columns(self, question):
        return [f"{question.code}[{row.code}]" for row in question.rows.all()]

    def export_cells(self, question, rows, codes):
        by_row = {row.row_id: plain_number(row.number) for row in rows}
        return [by_row.get(row.pk) for row in question.rows.all()]

    # --- LimeSurvey ----------------------------------------------------------------------------------------

    def from_limesurvey(self, planner, record, where):
        question = planner.base_question(record, where, self.key)
        question.rows = planner.sub_options(record, where, _("sous-question"))
        planner.number_bounds(question, record, where)
        for name, attribute in SETTINGS_FROM_LIMESURVEY.items():
            value = planner.number_attribute(record, attribute, where)
            if value is not None:
                question.settings[name] = decimal_text(value)
        problems = self.settings_errors(question.settings)
        if problems:
            planner.missed(
                _("%(where)s : total non importé (%(problem)s).")
                % {"where": where, "problem": " ".join(problems.values())}
            )
            question.settings = {}
        elif question.settings:
            totals = [question.settings.get(name) for name in ("total", "total_min", "total_max")]
            rule = self.rule(*(None if value is None else NumberField().clean(value) for value in totals))
            planner.done(_("%(where)s : total → « %(rule)s »") % {"where": where, "rule": rule})
        if not question.rows:
            planner.missed(_("%(where)s : aucune sous-question dans le fichier.") % {"where": where})
        if planner.randomized(record):
            planner.missed(_("%(where)s : ordre aléatoire des sous-questions non importé.") % {"where": where})
        return [question]


TYPE = MultipleNumeric()
