"""The responses table of a survey: one row per submitted response, one column per question, per matrix row and
per ranked choice (``response_columns``), each cell from the response's answers (``ResponseCells``). Values:
choice codes (several joined by " | ", the "other" text after them), numbers, dates, texts, "oui"/"non", ranks
for a ranking. Without identities (an anonymous survey, or a reader who may not see them), a row carries neither
who answered nor when."""

from django.utils.translation import gettext as _

from reports.exports.sources import Table, plain_number, zone
from reports.exports.streaming import stream


def response_columns(survey):
    """[(header, question id, row id or None, choice id or None)] of the responses table: one column per
    question, per matrix row, per ranked choice, in survey order."""
    from surveys.models import Question

    K = Question.Kind
    columns = []
    for question in Question.objects.filter(survey=survey).exclude(kind=K.DISPLAY).prefetch_related("choices", "rows"):
        if question.kind == K.MATRIX:
            columns += [(f"{question.code}[{row.code}]", question.pk, row.pk, None) for row in question.rows.all()]
        elif question.kind == K.RANKING:
            columns += [
                (f"{question.code}[{choice.code}]", question.pk, None, choice.pk) for choice in question.choices.all()
            ]
        else:
            columns.append((question.code, question.pk, None, None))
    return columns


class ResponseCells:
    """The cells of each response's row, from its answers: where each answer goes among ``columns`` and how it
    is shown."""

    def __init__(self, survey, columns):
        from surveys.models import Choice, Question

        self.kind = Question.Kind
        self.position = {(question, row, choice): index for index, (_h, question, row, choice) in enumerate(columns)}
        self.kinds = dict(Question.objects.filter(survey=survey).values_list("pk", "kind"))
        self.choice_codes = dict(Choice.objects.filter(question__survey=survey).values_list("pk", "code"))
        self.width = len(columns)
        self.yes, self.no = _("oui"), _("non")

    def value(self, kind, choice, amount, day, text):
        """What one answer to a question of one column shows."""
        if choice is not None:
            return self.choice_codes.get(choice)
        if kind == self.kind.YES_NO:
            return self.yes if amount == 1 else self.no
        if amount is not None:
            return plain_number(amount)
        if day is not None:
            return day
        return text

    def put(self, cells, question, row, choice, amount, day, text):
        """One answer into the cells of its response."""
        kind = self.kinds[question]
        if kind == self.kind.MATRIX:
            cells[self.position[(question, row, None)]] = self.choice_codes.get(choice)
        elif kind == self.kind.RANKING:
            cells[self.position[(question, None, choice)]] = plain_number(amount)
        else:
            index = self.position[(question, None, None)]
            value = self.value(kind, choice, amount, day, text)
            cells[index] = value if cells[index] is None else f"{cells[index]} | {value}"

    def rows(self, responses, answers):
        """(values of the response, its cells) for each of ``responses``, from ``answers`` (response id,
        question id, row id, choice id, number, date, text), both streams in response order."""
        current = next(answers, None)
        for values in responses:
            cells = [None] * self.width
            while current is not None and current[0] < values[0]:  # answers of responses not submitted
                current = next(answers, None)
            while current is not None and current[0] == values[0]:
                self.put(cells, *current[1:])
                current = next(answers, None)
            yield values, cells


def responses_table(survey, *, identities=True):
    """Submitted responses, one row each (see the module's docstring)."""
    from surveys.models import Answer, Response

    anonymous = survey.anonymous or not identities
    columns = response_columns(survey)
    cells = ResponseCells(survey, columns)
    lead = [_("N°")] if anonymous else [_("Réponse"), _("Envoyée le"), _("Adresse e-mail")]
    header = lead + [column[0] for column in columns]
    responses = Response.objects.filter(survey=survey, submitted_at__isnull=False).order_by("pk")
    answers = (
        Answer.objects.filter(response__survey=survey, response__submitted_at__isnull=False)
        .order_by("response_id", "question_id", "pk")
        .values_list("response_id", "question_id", "row_id", "choice_id", "number", "date", "text")
    )
    fields = ["pk"] if anonymous else ["pk", "submitted_at", "invitation__ambassador__email"]

    def rows():
        here = zone()
        merged = cells.rows(stream(responses.values_list(*fields)), stream(answers))
        for number, (values, row) in enumerate(merged, start=1):
            if anonymous:
                yield [number] + row
            else:
                yield [values[0], values[1].astimezone(here).replace(tzinfo=None), values[2]] + row

    return Table("responses", _("Réponses"), header, responses.count, rows)
