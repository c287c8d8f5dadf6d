"""The responses table of a survey: one row per submitted response, the columns each question's type gives (one per
question; per matrix row, per ranked choice, per item of several numbers), each cell from the response's answers as
the type shows them (choice codes, or labels in the workbook, several joined by " | " with the "other" text after
them, numbers, dates, texts, "oui"/"non", ranks). For an anonymous survey a row carries nothing to join it to an
invitation: neither who answered nor when, no response number (a row number instead), no attribute of the person,
and the rows come in an order drawn for each export (by a keyed hash of the response, computed by the database so
that the rows still stream)."""

import secrets

from django.db import connection
from django.db.models import CharField, Value
from django.db.models.functions import MD5, Cast, Collate, Concat
from django.utils.translation import gettext as _

from reports.exports.sources import Table, zone
from reports.exports.sources.response_labels import column_labels, legend_table
from reports.exports.streaming import stream
from surveys.types import question_type
from surveys.types.base import AnswerValues


class ResponseCells:
    """The questions of a survey that are answered, in survey order, with their types and choice codes (or
    labels, ``labelled``: the workbook's); builds each response's cells from its answers."""

    def __init__(self, survey, *, labelled=False):
        from surveys.models import Question

        questions = Question.objects.filter(survey=survey).prefetch_related("choices", "rows")
        shown = (lambda choice: choice.label()) if labelled else (lambda choice: choice.code)
        self.layout = [
            (question, question_type(question.kind), {choice.pk: shown(choice) for choice in question.choices.all()})
            for question in questions
            if question_type(question.kind).answerable
        ]
        columns = [(question, kind, kind.export_columns(question)) for question, kind, _codes in self.layout]
        self.legend = legend_table(columns) if labelled else None
        self.header = [
            header
            for question, _kind, codes in columns
            for header in (column_labels(question, codes) if labelled else codes)
        ]

    def cells(self, answers_by_question):
        return [
            cell
            for question, kind, codes in self.layout
            for cell in kind.export_cells(question, answers_by_question.get(question.pk, []), codes)
        ]

    def rows(self, responses, answers):
        """(values of the response, its cells) for each of ``responses``, from ``answers`` (response id,
        question id, row id, choice id, number, date, text), both streams in response order."""
        current = next(answers, None)
        for values in responses:
            while current is not None and current[0] < values[0]:  # answers of responses not submitted
                current = next(answers, None)
            by_question = {}
            while current is not None and current[0] == values[0]:
                by_question.setdefault(current[1], []).append(AnswerValues(*current[2:]))
                current = next(answers, None)
            yield values, self.cells(by_question)


# Byte order, so that the database sorts the keys as Python compares them when the two streams merge.
BYTE_ORDER = {"postgresql": "C", "sqlite": "BINARY"}


def drawn_order(field, salt):
    """A key that orders rows by the MD5 of ``field`` with ``salt``: an order no one can foresee without the salt."""
    key = MD5(Concat(Cast(field, CharField()), Value(salt), output_field=CharField()))
    return Collate(key, BYTE_ORDER[connection.vendor]) if connection.vendor in BYTE_ORDER else key


def responses_table(survey, *, labelled=False):
    """Submitted responses, one row each (see the module's docstring); ``labelled``: headers and answers by their
    labels, their codes in a legend (``response_labels``)."""
    from surveys.models import Answer, Response

    anonymous = survey.anonymous
    cells = ResponseCells(survey, labelled=labelled)
    lead = [_("N°")] if anonymous else [_("Réponse"), _("Envoyée le"), _("Adresse e-mail")]
    responses = Response.objects.filter(survey=survey, submitted_at__isnull=False)
    answers = Answer.objects.filter(response__survey=survey, response__submitted_at__isnull=False)
    answer_fields = ["response_id", "question_id", "row_id", "choice_id", "number", "date", "text"]
    if anonymous:  # both streams in the same order, drawn now, their key first so that they merge on it
        salt = secrets.token_hex(16)
        responses = responses.annotate(key=drawn_order("pk", salt)).order_by("key")
        answers = answers.annotate(key=drawn_order("response_id", salt)).order_by("key", "question_id", "pk")
        answers = answers.values_list("key", *answer_fields[1:])
        fields = ["key"]
    else:
        responses = responses.order_by("pk")
        answers = answers.order_by("response_id", "question_id", "pk").values_list(*answer_fields)
        fields = ["pk", "submitted_at", "invitation__ambassador__email"]

    def rows():
        here = zone()
        merged = cells.rows(stream(responses.values_list(*fields)), stream(answers))
        for number, (values, row) in enumerate(merged, start=1):
            if anonymous:
                yield [number] + row
            else:
                yield [values[0], values[1].astimezone(here).replace(tzinfo=None), values[2]] + row

    return Table("responses", _("Réponses"), lead + cells.header, responses.count, rows, cells.legend)
