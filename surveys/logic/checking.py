"""Checking an expression against a survey: unknown question codes or attributes, questions that come later,
sub-codes and choice codes the question does not have."""

from django.utils.translation import gettext as _

from surveys.logic.grammar import AMBASSADOR_ATTRIBUTES, ExpressionError
from surveys.logic.syntax import parse
from surveys.logic.tree import Call, Comparison, Literal, Membership, Ref

CELL_KINDS = frozenset({"array_numbers", "array_texts"})  # types whose sub-codes are ROW_COLUMN


class Outline:
    """What ``check`` knows of a survey: its questions in answering order, each with its place, page order,
    choice codes and row codes (two queries, then reused for every expression checked)."""

    def __init__(self, questions):
        self.questions = list(questions)
        self.by_code = {question.code: question for question in self.questions}
        self.place = {question.code: index for index, question in enumerate(self.questions)}
        self.choices = {q.code: {choice.code for choice in q.choices.all()} for q in self.questions}
        self.rows = {question.code: {row.code for row in question.rows.all()} for question in self.questions}
        for question in self.questions:  # arrays of numbers and texts: Q.ROW_COLUMN, one per cell
            if question.kind in CELL_KINDS:
                self.rows[question.code] |= {
                    f"{row}_{column}" for row in self.rows[question.code] for column in self.choices[question.code]
                }

    @classmethod
    def of(cls, survey):
        questions = (
            survey.questions.select_related("section")
            .prefetch_related("choices", "rows")
            .order_by("section__sort_order", "sort_order", "pk")
        )
        return cls(questions)

    def values(self, code, sub):
        """The codes a reference's value can take, or None when any value goes (texts, numbers)."""
        question = self.by_code.get(code)
        if question is None:
            return None
        if question.kind == "yes_no":
            return {"Y", "N"} if sub is None else None
        rows, choices = self.rows[code], self.choices[code]
        if sub is not None:
            if rows:
                return choices or None
            return {"Y"} if choices else None
        if rows:
            return None
        return choices or None

    def earlier(self, code, item):
        """Whether the question ``code`` comes before ``item`` (a page, a question, a choice or a row)."""
        question = self.by_code[code]
        if item is None:
            return True
        if hasattr(item, "question_id"):  # a choice or a row: before its question, or its question itself
            if item.question_id == question.pk:
                return True
            item = item.question
        elif not hasattr(item, "section_id"):  # a page: on an earlier page
            return question.section.sort_order < item.sort_order
        if not item.section_id:
            return True
        return _place(question) < _place(item)


def _place(question):
    return (question.section.sort_order, question.sort_order, question.pk if question.pk is not None else float("inf"))


def check(text, survey, item=None, outline=None):
    """[ExpressionError] of what is wrong with ``text`` as a condition of ``item`` (a page, question, choice or
    row of ``survey``; None: anywhere): a syntax error, an unknown question code or attribute, a question that
    comes later, a sub-code or choice code the question does not have. Empty text: no problem."""
    if not text or not text.strip():
        return []
    try:
        expression = parse(text)
    except ExpressionError as error:
        return [error]
    outline = outline or Outline.of(survey)
    problems = [problem for ref in expression.refs() for problem in _ref_problems(ref, outline, item)]
    problems.extend(_value_problems(expression, outline))
    return sorted(problems, key=lambda problem: problem.position)


def _ref_problems(ref, outline, item):
    if ref.is_ambassador:
        if ref.sub in AMBASSADOR_ATTRIBUTES:
            return []
        message = _("Attribut inconnu : « %(name)s » (connus : %(known)s).") % {
            "name": ref.name,
            "known": ", ".join(AMBASSADOR_ATTRIBUTES),
        }
        return [ExpressionError(message, ref.position)]
    if ref.code not in outline.by_code:
        return [ExpressionError(_("Question inconnue : « %(code)s ».") % {"code": ref.code}, ref.position)]
    problems = []
    if not outline.earlier(ref.code, item):
        message = _("« %(code)s » ne vient pas avant : une condition porte sur une question posée plus tôt.")
        problems.append(ExpressionError(message % {"code": ref.code}, ref.position))
    subs = outline.rows[ref.code] or outline.choices[ref.code]
    if ref.sub is not None and subs and ref.sub not in subs:
        message = _("La question « %(code)s » n'a pas de ligne ni de choix « %(sub)s ».")
        problems.append(ExpressionError(message % {"code": ref.code, "sub": ref.sub}, ref.position))
    return problems


def _compared_values(expression):
    """(Ref, Literal) pairs the expression compares: ``Q1 == "A"``, ``Q1 in ["A", "B"]``, ``contains(Q1, "A")``."""
    for node in expression.root.walk():
        if isinstance(node, Comparison) and node.operator in ("==", "!="):
            if isinstance(node.left, Ref) and isinstance(node.right, Literal):
                yield node.left, node.right
            elif isinstance(node.right, Ref) and isinstance(node.left, Literal):
                yield node.right, node.left
        elif isinstance(node, Membership) and isinstance(node.operand, Ref):
            for literal in node.values:
                yield node.operand, literal
        elif (
            isinstance(node, Call)
            and node.function == "contains"
            and isinstance(node.arguments[0], Ref)
            and isinstance(node.arguments[1], Literal)
        ):
            yield node.arguments[0], node.arguments[1]


def _value_problems(expression, outline):
    problems = []
    for ref, literal in _compared_values(expression):
        if ref.is_ambassador or not isinstance(literal.value, str) or literal.value == "":
            continue
        allowed = outline.values(ref.code, ref.sub)
        if allowed is not None and literal.value not in allowed:
            problems.append(
                ExpressionError(
                    _("« %(value)s » n'est pas une réponse possible à %(name)s (possibles : %(allowed)s).")
                    % {"value": literal.value, "name": ref.name, "allowed": ", ".join(sorted(allowed))},
                    literal.position,
                )
            )
    return problems
