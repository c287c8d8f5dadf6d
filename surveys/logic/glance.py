"""A survey's logic at a glance, for the admin: each page, question, choice and row with a condition, what it
depends on and what depends on it; and warnings: a condition with a problem (``check``), an item no path can
reach (its condition can never hold: it reads a later, unknown or never shown question, a choice code the
question does not have, or asks one answer to be two things at once), a mandatory question that can be hidden
together with its page.

Read in four queries, whatever the size of the survey."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from surveys.logic.expressions import (
    Call,
    Comparison,
    ExpressionError,
    Literal,
    Logical,
    Membership,
    Outline,
    Ref,
    check,
    parse,
    truthy,
)
from surveys.logic.values import LISTS
from surveys.logic.words import condition_in_words, value_labels
from surveys.types import question_type


@dataclass
class Line:
    """One page, question, choice or row of the table."""

    kind: str  # "page", "question", "choice", "row"
    name: str  # "Page 2", "Q3", "Q3 : A"
    text: str
    condition: str = ""  # in words
    depends_on: list = field(default_factory=list)  # question codes
    needed_by: list = field(default_factory=list)  # names of the lines reading it
    required: bool = False
    never: str = ""  # why no path reaches it


@dataclass
class Glance:
    lines: list
    warnings: list

    @property
    def with_conditions(self):
        return [line for line in self.lines if line.condition or line.needed_by]


class Reach:
    """Which items can never show: in survey order, a question reading a question that never shows cannot hold
    a condition on its value."""

    def __init__(self, outline):
        self.outline = outline
        self.dead = {}  # question code -> why it never shows

    def dead_ref(self, ref, item):
        if ref.is_ambassador:
            return None
        if ref.code not in self.outline.by_code:
            return _("%(code)s n'existe pas") % {"code": ref.code}
        if not self.outline.earlier(ref.code, item):
            return _("%(code)s vient après : sa réponse est encore vide") % {"code": ref.code}
        if ref.code in self.dead:
            return _("%(code)s n'est jamais montrée") % {"code": ref.code}
        subs = self.outline.rows[ref.code] or self.outline.choices[ref.code]
        if ref.sub is not None and subs and ref.sub not in subs:
            return _("%(code)s n'a pas de « %(sub)s »") % {"code": ref.code, "sub": ref.sub}
        return None

    def single_valued(self, ref):
        question = self.outline.by_code.get(ref.code)
        if question is None or ref.is_ambassador:
            return False
        return question.kind not in LISTS and (ref.sub is not None or not self.outline.rows[ref.code])

    def impossible_value(self, ref, values):
        """Why ``ref`` can never hold any of ``values`` (non-empty texts), or None."""
        allowed = None if ref.is_ambassador else self.outline.values(ref.code, ref.sub)
        if allowed is not None and not set(values) & allowed:
            return _("%(values)s : pas une réponse possible à %(name)s") % {
                "values": ", ".join(f"« {value} »" for value in values),
                "name": ref.name,
            }
        return None

    def never(self, node, item):
        """Why the condition ``node`` of ``item`` can never hold, or None when it may."""
        if isinstance(node, Literal):
            return None if truthy(node.value) else _("la condition est toujours fausse")
        if isinstance(node, Ref):
            return self.dead_ref(node, item)
        if isinstance(node, Logical):
            reasons = [self.never(operand, item) for operand in node.operands]
            if node.operator == "or":
                return reasons[0] if all(reasons) else None
            return next((reason for reason in reasons if reason), None) or self.conflict(node.operands)
        if isinstance(node, Comparison):
            return self.never_comparison(node, item)
        if isinstance(node, Membership) and isinstance(node.operand, Ref) and not node.negated:
            values = [literal.value for literal in node.values]
            if "" in values:
                return None
            texts = [value for value in values if isinstance(value, str)]
            return self.dead_ref(node.operand, item) or (
                self.impossible_value(node.operand, texts) if len(texts) == len(values) else None
            )
        if isinstance(node, Call) and node.function == "contains" and isinstance(node.arguments[0], Ref):
            needle = node.arguments[1]
            if isinstance(needle, Literal) and needle.value != "":
                reason = self.dead_ref(node.arguments[0], item)
                if reason is None and isinstance(needle.value, str) and self.single_valued(node.arguments[0]):
                    return None  # a text may contain it
                return reason or (
                    self.impossible_value(node.arguments[0], [needle.value]) if isinstance(needle.value, str) else None
                )
        return None

    def never_comparison(self, node, item):
        ref, literal = (node.left, node.right) if isinstance(node.left, Ref) else (node.right, node.left)
        if not isinstance(ref, Ref):
            return None
        empty_literal = isinstance(literal, Literal) and literal.value == ""
        if node.operator == "!=" or (node.operator == "==" and empty_literal):
            return None
        reason = self.dead_ref(ref, item)
        if reason:
            return reason
        if node.operator == "==" and isinstance(literal, Literal) and isinstance(literal.value, str):
            return self.impossible_value(ref, [literal.value])
        return None

    def conflict(self, operands):
        """Why operands joined by "and" contradict: one single answer asked to be two different things."""
        wanted, refused = {}, {}
        for operand in operands:
            if isinstance(operand, Comparison) and operand.operator in ("==", "!="):
                ref, literal = (
                    (operand.left, operand.right) if isinstance(operand.left, Ref) else (operand.right, operand.left)
                )
                if not isinstance(ref, Ref) or not isinstance(literal, Literal) or literal.value == "":
                    continue
                if not self.single_valued(ref):
                    continue
                target = wanted if operand.operator == "==" else refused
                if operand.operator == "==":
                    target[ref.name] = target.get(ref.name, {str(literal.value)}) & {str(literal.value)}
                else:
                    target.setdefault(ref.name, set()).add(str(literal.value))
            elif isinstance(operand, Membership) and not operand.negated and isinstance(operand.operand, Ref):
                if not self.single_valued(operand.operand):
                    continue
                values = {str(literal.value) for literal in operand.values}
                name = operand.operand.name
                wanted[name] = wanted.get(name, values) & values
        for name, values in wanted.items():
            if not values - refused.get(name, set()):
                return _("%(name)s ne peut pas avoir deux réponses à la fois") % {"name": name}
        return None


def _parse(text):
    if not text or not text.strip():
        return None
    try:
        return parse(text)
    except ExpressionError:
        return None


def survey_logic(survey):
    """The ``Glance`` of a survey."""
    return Reading(survey).glance()


class Reading:
    """One pass over a survey in answering order, filling the lines and the warnings."""

    def __init__(self, survey):
        self.survey = survey
        self.outline = Outline.of(survey)
        self.sections = list(survey.sections.order_by("sort_order", "pk"))
        self.labels = value_labels(self.outline)
        self.by_pk = {question.pk: question for question in self.outline.questions}
        self.reach = Reach(self.outline)
        self.lines, self.warnings, self.readers = [], [], {}

    def glance(self):
        by_page = {}
        for question in self.outline.questions:
            by_page.setdefault(question.section_id, []).append(question)
        for number, section in enumerate(self.sections, 1):
            name = _("Page %(number)s") % {"number": number}
            page = self.describe("page", name, section.title_fr, section, section)
            if page.never:
                self.warnings.append(_("%(name)s n'est jamais montrée : %(why)s.") % {"name": name, "why": page.never})
            for question in by_page.get(section.pk, []):
                self.question(question, section, page)
        for line in self.lines:
            if line.kind == "question":
                line.needed_by = self.readers.get(line.name, [])
        return Glance(self.lines, self.warnings)

    def question(self, question, section, page):
        line = self.describe("question", question.code, question.text_fr, question, question)
        line.required = question.required and question_type(question.kind).answerable
        if page.never:
            line.never = line.never or _("sa page n'est jamais montrée")
        elif line.never:
            self.warnings.append(
                _("%(name)s n'est jamais montrée : %(why)s.") % {"name": question.code, "why": line.never}
            )
        if line.never:
            self.reach.dead[question.code] = line.never
        elif line.required and page.condition:
            self.warnings.append(
                _(
                    "%(code)s est obligatoire, mais sa page (%(page)s) peut être masquée avec elle "
                    "(montrée quand %(condition)s) : elle restera alors sans réponse."
                )
                % {"code": question.code, "page": page.name, "condition": page.condition}
            )
        for kind, options in (("choice", question.choices.all()), ("row", question.rows.all())):
            for option in options:
                if not option.show_when.strip():
                    continue
                option_line = self.describe(kind, f"{question.code} : {option.code}", option.label_fr, option, question)
                if option_line.never:
                    self.warnings.append(
                        _("%(name)s n'est jamais proposé : %(why)s.")
                        % {"name": option_line.name, "why": option_line.never}
                    )

    def describe(self, kind, name, text, item, condition_item):
        """The line of ``item`` (its condition read as a condition of ``condition_item``), its problems warned."""
        expression = _parse(item.show_when)
        depends = sorted(expression.references()) if expression else []
        depends = [code for code in depends if not code.startswith("ambassador.")]
        old = self.by_pk.get(getattr(item, "show_if_question_id", None))
        if old is not None:
            item.show_if_question = old  # read in words without a query
            if old.code not in depends:
                depends.append(old.code)
        condition = condition_in_words(item, self.labels) if depends or expression else ""
        line = Line(kind, name, text, condition, depends)
        for problem in check(item.show_when, self.survey, condition_item, outline=self.outline):
            self.warnings.append(_("%(name)s : %(problem)s") % {"name": name, "problem": problem})
        if expression is not None:
            line.never = self.reach.never(expression.root, condition_item) or ""
        for code in depends:
            self.readers.setdefault(code, []).append(name)
        self.lines.append(line)
        return line
