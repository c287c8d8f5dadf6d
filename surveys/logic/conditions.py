"""Conditions on pages, questions, choices and matrix rows, evaluated on the server.

Two kinds, and both must hold when an item has both:
- ``show_when``: an expression (``surveys.logic.expressions``) over earlier answers and the ambassador's
  attributes; blank: always;
- the older ``show_if_question`` + ``show_if_values`` (pages and questions only): the answer to an earlier question
  holds one of the values (``Condition.condition_values``). An answer's tokens come from its question's type
  (choice codes, "oui"/"non", numbers...) plus "*" for any answer.

A question is shown when its page and itself are, and not when its choices' (or rows') conditions hide them all.
A condition reads only what is asked before it (a page's:
the questions of earlier pages; a question's: the questions before it; a choice's or row's: the questions before
its question): a later or hidden question's value is empty. A loop of older conditions shows nothing of it.
A ``show_when`` that does not parse (it cannot be saved from the admin) is ignored: the item shows."""

from contextlib import contextmanager
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

    def __init__(self, visibility, seen, before=None):
        self.visibility, self.seen, self.before = visibility, seen, before

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
        if question is None or (self.before is not None and visibility.place(question) >= self.before):
            return ""
        if not visibility.question_shown(question, self.seen):
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
        ranked = sorted(sections.values(), key=lambda section: (section.sort_order, section.pk))
        self.rank = {section.pk: index for index, section in enumerate(ranked)}
        self.order = sorted(questions.values(), key=self.place)
        self._memo, self._fingerprint, self._depth = {}, None, 0

    @contextmanager
    def _round(self):
        """Each page's and question's visibility is worked out once for given answers, in answering order (so a
        chain of conditions costs its length, and Python's stack stays shallow); the memory is forgotten when
        the answers change (a list replaced, added or grown)."""
        outermost = self._depth == 0
        if outermost:
            fingerprint = tuple((pk, id(answers), len(answers)) for pk, answers in self.answers.items())
            if fingerprint != self._fingerprint:
                self._memo, self._fingerprint = {}, fingerprint
        self._depth += 1
        try:
            yield outermost
        finally:
            self._depth -= 1

    def place(self, question):
        """Where a question is asked: (rank of its page, its order on the page, pk)."""
        return (self.rank.get(question.section_id, -1), question.sort_order, question.pk)

    def before(self, item):
        """The place of ``item`` (a page, a question, a choice or a row): what its condition may read is before."""
        if hasattr(item, "question_id"):  # a choice or a row reads its own question too
            question = self.questions.get(item.question_id)
            if question is None:
                return None
            rank, order, pk = self.place(question)
            return (rank, order, pk + 0.5)
        if hasattr(item, "section_id"):
            return self.place(item)
        return (self.rank.get(item.pk, -1), -1, -1)

    def value(self, question):
        """(value, {sub-code: value}) of a question's saved answers, shown or not."""
        if question.pk not in self.codes:
            self.codes[question.pk] = (
                {choice.pk: choice.code for choice in question.choices.all()},
                {row.pk: row.code for row in question.rows.all()},
            )
        choices, rows = self.codes[question.pk]
        return answer_value(question, self.answers.get(question.pk, []), choices, rows)

    def context(self, seen=frozenset(), before=None):
        """The names expressions read; ``before``: only questions asked before that place (see ``before``)."""
        return Context(self, seen, before)

    def expression_holds(self, item, seen=frozenset()):
        expression = parsed(item.show_when)
        return expression is None or expression.holds(self.context(seen, self.before(item)))

    def holds(self, item, seen=frozenset()):
        """Whether the conditions of ``item`` (a page or a question) hold."""
        with self._round():
            return self._holds(item, seen)

    def _holds(self, item, seen):
        target = item.show_if_question_id
        if target is not None:
            question = self.questions.get(target)
            if question is None or not self.question_shown(question, seen):
                return False
            if not answer_tokens(question, self.answers.get(target, [])) & item.condition_values:
                return False
        return self.expression_holds(item, seen)

    def question_shown(self, question, seen=frozenset()):
        if question.pk in seen:  # a loop of conditions shows nothing of it
            return False
        with self._round() as outermost:
            if question.pk in self._memo:
                return self._memo[question.pk]
            if outermost:  # the questions before it first, each reading only memorised ones
                for earlier in self.order:
                    if earlier.pk == question.pk:
                        break
                    if earlier.pk not in self._memo:
                        self._memo[earlier.pk] = self._shown(earlier, frozenset({earlier.pk}))
            known = self.questions.get(question.pk, question)  # with what was prefetched
            self._memo[question.pk] = self._shown(known, seen | {question.pk})
            return self._memo[question.pk]

    def _shown(self, question, seen):
        section = self.sections[question.section_id]
        if ("page", section.pk) not in self._memo:
            self._memo["page", section.pk] = self._holds(section, seen)
        return self._memo["page", section.pk] and self._holds(question, seen) and self._offers_something(question)

    def _offers_something(self, question):
        """False when the conditions of its choices (or of its rows) hide every one: nothing to answer."""
        for options in (question.choices.all(), question.rows.all()):
            if any(option.show_when.strip() for option in options) and not any(
                self.expression_holds(option, frozenset({question.pk})) for option in options
            ):
                return False
        return True

    def option_shown(self, option):
        """Whether a choice or a matrix row is offered (its question being shown). Its condition may read its
        own question (LimeSurvey's ``self.sq_01 == "Y"``: choice 02 offered once 01 is checked); while the question
        asks whether any of its options is offered, those readings see it empty."""
        with self._round():
            return self.expression_holds(option)
