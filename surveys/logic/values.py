"""The value of an answered question as expressions read it (the table in docs/expressions.md): a chosen code, a
list of codes, a number, an ISO date, a text; and the values of its sub-codes (``Q1.SUB``). Built from the
saved Answer rows and the codes of the question's choices and rows, with no query.

A question type may say it itself with an ``expression_value(question, answers, choice_codes, row_codes)``
method returning (value, {sub-code: value}); the others are read from what their rows hold."""

from decimal import Decimal

from surveys.types import question_type

LISTS = frozenset({"multiple", "ranking"})  # kinds whose value is a list of codes, however many are picked
OTHER = "-oth-"  # the value of "other" (LimeSurvey's); its text is ``Q1.other``


def _atom(answer, choice_codes):
    if answer.choice_id is not None:
        return choice_codes.get(answer.choice_id, "")
    if answer.number is not None:
        return Decimal(answer.number)
    if answer.date is not None:
        return answer.date.isoformat()
    return answer.text


def answer_value(question, answers, choice_codes, row_codes):
    """(value, {sub-code: value}) of ``question`` given its saved ``answers``; ("", {}) when unanswered.
    ``choice_codes``/``row_codes`` map choice and row pks to their codes."""
    declared = getattr(question_type(question.kind), "expression_value", None)
    if declared is not None:
        return declared(question, answers, choice_codes, row_codes)
    if not answers:
        return "", {}
    if question.kind == "yes_no":
        return ("Y" if answers[0].number else "N"), {}
    with_rows = [answer for answer in answers if answer.row_id is not None]
    if with_rows:
        subs = {row_codes.get(answer.row_id, ""): _atom(answer, choice_codes) for answer in with_rows}
        return [code for code in row_codes.values() if code in subs], subs
    chosen = [answer for answer in answers if answer.choice_id is not None]
    others = [answer for answer in answers if answer.choice_id is None and answer.text and question.allow_other]
    if chosen or others:
        if question.kind == "ranking":
            chosen = sorted(chosen, key=lambda answer: answer.number if answer.number is not None else 0)
        codes = [choice_codes.get(answer.choice_id, "") for answer in chosen] + [OTHER for _answer in others]
        subs = {code: "Y" for code in codes if code != OTHER}
        if others:
            subs["other"] = others[0].text
        if question.kind == "ranking":
            subs.update({str(rank): code for rank, code in enumerate(codes, start=1)})
        if question.kind in LISTS or len(codes) > 1:
            return codes, subs
        return codes[0], subs
    return _atom(answers[0], choice_codes), {}
