"""Reads of survey results, as aggregate queries (reports builds its tables, charts and exports on these).
Only submitted responses count. An anonymous survey's rows never carry who answered."""

from django.db.models import Avg, Count, Max, Min

from surveys.models import Answer, Question, Response


def submitted_answers(question):
    return Answer.objects.filter(question=question, response__submitted_at__isnull=False)


def choice_counts(question):
    """{(row code or None, choice code): number of answers} in one GROUP BY query ("other" answers under
    the choice code None)."""
    rows = submitted_answers(question).values("row__code", "choice__code").annotate(n=Count("pk")).order_by()
    return {(row["row__code"], row["choice__code"]): row["n"] for row in rows}


def number_summary(question):
    """Count, mean, minimum and maximum of the numbers answered (scale, NPS, number, Likert points, yes as 1),
    in one query."""
    return (
        submitted_answers(question)
        .filter(number__isnull=False)
        .aggregate(count=Count("pk"), mean=Avg("number"), low=Min("number"), high=Max("number"))
    )


def response_rows(survey):
    """One row per submitted response, streamed: {"response", "submitted_at", "ambassador" (email, or None for
    an anonymous survey), question code: [values]}; two queries whatever the size."""
    questions = {question.pk: question.code for question in Question.objects.filter(survey=survey)}
    responses = Response.objects.filter(survey=survey, submitted_at__isnull=False).order_by("pk")
    fields = ["pk", "submitted_at"] + ([] if survey.anonymous else ["invitation__ambassador__email"])
    answers = (
        Answer.objects.filter(response__survey=survey, response__submitted_at__isnull=False)
        .order_by("response_id", "question_id", "pk")
        .values_list("response_id", "question_id", "row__code", "choice__code", "number", "date", "text")
        .iterator(chunk_size=5000)
    )
    pending = next(answers, None)
    for values in responses.values_list(*fields).iterator(chunk_size=2000):
        row = {"response": values[0], "submitted_at": values[1], "ambassador": None if survey.anonymous else values[2]}
        while pending is not None and pending[0] == values[0]:
            _response, question, row_code, choice, number, date, text = pending
            value = choice or (number if number is not None else date) or text
            row.setdefault(questions[question], []).append(f"{row_code}:{value}" if row_code else value)
            pending = next(answers, None)
        yield row
