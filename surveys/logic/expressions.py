"""The survey expression language (its grammar: docs/expressions.md, summed up in ``GRAMMAR``): a
hand-written tokenizer and recursive-descent parser, no ``eval``. ``parse(text)`` gives an ``Expression``
that evaluates over a context (a mapping of names to values: ``"Q1"``, ``"Q1.SUB"``, ``"ambassador.region"``),
lists the names it reads and says itself in French words; ``check`` validates it against a survey.

Bounds, so hostile text costs little: at most ``MAX_LENGTH`` characters and ``MAX_DEPTH`` nested levels
(parentheses, ``not``, function calls); a problem raises ``ExpressionError`` with its 0-based position.

The pieces: ``grammar`` (words, limits, ``ExpressionError``), ``semantics`` (what values mean), ``tree`` (the
nodes and ``Expression``), ``syntax`` (tokenizer and parser: ``parse``), ``checking`` (``check`` against a
survey). This module is the public face other code imports."""

from surveys.logic.checking import Outline, check
from surveys.logic.grammar import (
    ALIASES,
    AMBASSADOR,
    AMBASSADOR_ATTRIBUTES,
    FUNCTIONS,
    GRAMMAR,
    MAX_DEPTH,
    MAX_LENGTH,
    ExpressionError,
)
from surveys.logic.semantics import as_number, as_text, compare, is_empty, normalise, number_text, truthy
from surveys.logic.syntax import parse, tokenize
from surveys.logic.tree import (
    Arithmetic,
    Call,
    Comparison,
    Expression,
    Literal,
    Logical,
    Membership,
    Node,
    Not,
    Ref,
)

__all__ = [
    "ALIASES",
    "AMBASSADOR",
    "AMBASSADOR_ATTRIBUTES",
    "FUNCTIONS",
    "GRAMMAR",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Arithmetic",
    "Call",
    "Comparison",
    "Expression",
    "ExpressionError",
    "Literal",
    "Logical",
    "Membership",
    "Node",
    "Not",
    "Outline",
    "Ref",
    "as_number",
    "as_text",
    "check",
    "compare",
    "is_empty",
    "normalise",
    "number_text",
    "parse",
    "tokenize",
    "truthy",
]
