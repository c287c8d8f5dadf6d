"""Conditions on pages, questions, choices and matrix rows, evaluated on the server.

Two kinds, and both must hold when an item has both:
- ``show_when``: an expression (``surveys.logic.expressions``) over earlier answers and the ambassador's
  attributes; blank: always;
- the older ``show_if_question`` + ``show_if_values`` (pages and questions only): the answer to an earlier question
  holds one of the values (``Condition.condition_values``). An answer's tokens come from its question's type
  (choice codes, "oui"/"non", numbers...) plus "*" for any answer.

A question is shown when its page and itself are; a hidden question's value is empty for every expression; a
loop of conditions shows nothing of it. A ``show_when`` that does not parse (it cannot be saved from the admin)
is ignored: the item shows."""

from functools import lru_cache

from surveys.logic.expressions import ExpressionError, parse
from surveys.logic.values import answer_value
from surveys.types import question_type


def answer_tokens(question, answers):
    """What conditions compare with, lower case: the type's tokens, and "*" when there is any answer."""
    tokens = question_type(question.kind).tokens(question, answers)
    if answers:
        tokens = tokens | {"*"}
    return tokens


@lru_cache(maxsize=4096)
def parsed(text):
    """The Expression of a stored ``show_when`` (parsed once per process), or None when blank or invalid."""
    if not text or not text.strip():
        return None
    try:
        return parse(text)
    except ExpressionError:
        return None


def ambassador_values(ambassador):
    """{"ambassador.<name>": value} of an ambassador, read when asked (products and tags cost a query each, only
    when an expression reads them)."""
    if ambassador is None:
        return {}
    return AmbassadorValues(ambassador)


class AmbassadorValues(dict):
    def __init__(self, ambassador):
        super().__init__(
            {
                "ambassador.first_name": ambassador.first_name,
                "ambassador.region": ambassador.region,
                "ambassador.age_band": ambassador.age_band,
                "ambassador.language": ambassador.locale,
                "ambassador.customer_since": (
                    ambassador.customer_since.isoformat() if ambassador.customer_since else ""
                ),
            }
        )
        self.ambassador = ambassador

    def __missing__(self, name):
        if name == "ambassador.products":
            value = list(self.ambassador.products.values_list("code", flat=True))
        elif name == "ambassador.tags":
            value = list(self.ambassador.tags.values_list("name", flat=True))
        else:
            value = ""
        self[name] = value
        return value


class Context:
    """The names an expression reads, looked up when read: a question's value is empty while it is hidden."""

    def __init__(self, visibility, seen):
        self.visibility, self.seen = visibility, seen

    def __contains__(self, name):
        return True

    def __getitem__(self, name):
        return self.get(name)

    def get(self, name, default=""):
        visibility = self.visibility
        if name.startswith("ambassador."):
            return visibility.ambassador[name] if visibility.ambassador else ""
        code, _dot, sub = name.partition(".")
        question = visibility.by_code.get(code)
        if question is None or not visibility.question_shown(question, self.seen):
            return ""
        value, subs = visibility.value(question)
        return subs.get(sub, "") if sub else value


class Visibility:
    """What the saved answers make visible in a survey: ``questions`` {pk: question}, ``sections`` {pk:
    section}, ``answers`` {question pk: [Answer]} (read when asked, so answers saved meanwhile count),
    ``ambassador`` (whose attributes expressions read; None: empty). The questions' choices and rows are read
    from what was prefetched."""

    def __init__(self, questions, sections, answers, ambassador=None):
        self.questions, self.sections, self.answers = questions, sections, answers
        self.by_code = {question.code: question for question in questions.values()}
        self.ambassador = ambassador_values(ambassador)
        self.codes = {}  # question pk -> ({choice pk: code}, {row pk: code})

    def value(self, question):
        """(value, {sub-code: value}) of a question's saved answers, shown or not."""
        if question.pk not in self.codes:
            self.codes[question.pk] = (
                {choice.pk: choice.code for choice in question.choices.all()},
                {row.pk: row.code for row in question.rows.all()},
            )
        choices, rows = self.codes[question.pk]
        return answer_value(question, self.answers.get(question.pk, []), choices, rows)

    def context(self, seen=frozenset()):
        return Context(self, seen)

    def expression_holds(self, text, seen=frozenset()):
        expression = parsed(text)
        return expression is None or expression.holds(self.context(seen))

    def holds(self, item, seen=frozenset()):
        """Whether the conditions of ``item`` (a page or a question) hold."""
        target = item.show_if_question_id
        if target is not None:
            question = self.questions.get(target)
            if question is None or not self.question_shown(question, seen):
                return False
            if not answer_tokens(question, self.answers.get(target, [])) & item.condition_values:
                return False
        return self.expression_holds(item.show_when, seen)

    def question_shown(self, question, seen=frozenset()):
        if question.pk in seen:  # a loop of conditions shows nothing of it
            return False
        seen = seen | {question.pk}
        return self.holds(self.sections[question.section_id], seen) and self.holds(question, seen)

    def option_shown(self, option):
        """Whether a choice or a matrix row is offered (its question being shown). Its condition may read its
        own question (LimeSurvey's ``self.sq_01 == "Y"``: choice 02 offered once 01 is checked), whose value
        never depends on its options' conditions."""
        return self.expression_holds(option.show_when)
