"""The survey expression language (its grammar: docs/expressions.md, summed up in ``GRAMMAR`` below): a
hand-written tokenizer and recursive-descent parser, no ``eval``. ``parse(text)`` gives an ``Expression``
that evaluates over a context (a mapping of names to values: ``"Q1"``, ``"Q1.SUB"``, ``"ambassador.region"``),
lists the names it reads and says itself in French words.

Bounds, so hostile text costs little: at most ``MAX_LENGTH`` characters and ``MAX_DEPTH`` nested levels
(parentheses, ``not``, function calls); a problem raises ``ExpressionError`` with its 0-based position."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

GRAMMAR = """
expr    := or
or      := and ("or" and)*
and     := not ("and" not)*
not     := "not" not | compare
compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)? | sum ["not"] "in" "[" literal ("," literal)* "]"
sum     := atom (("+" | "-") atom)*
atom    := NUMBER | STRING | ref | FUNC "(" [expr ("," expr)*] ")" | "(" expr ")" | "true" | "false"
"""

MAX_LENGTH = 10_000
MAX_DEPTH = 40
AMBASSADOR = "ambassador"
# The ambassador's attributes an expression may read (``ambassador.<name>``), with their names in words.
AMBASSADOR_ATTRIBUTES = {
    "first_name": gettext_noop("prénom"),
    "region": gettext_noop("région"),
    "age_band": gettext_noop("tranche d'âge"),
    "language": gettext_noop("langue"),
    "customer_since": gettext_noop("client depuis"),
    "products": gettext_noop("produits"),
    "tags": gettext_noop("étiquettes"),
}
ALIASES = {"prenom": "ambassador.first_name"}
# name -> (fewest arguments, most arguments or None)
FUNCTIONS = {"is_empty": (1, 1), "count": (0, None), "sum": (0, None), "if": (2, 3), "contains": (2, 2)}
KEYWORDS = {"or", "and", "not", "in", "true", "false"}
CELL_KINDS = frozenset({"array_numbers", "array_texts"})  # types whose sub-codes are ROW_COLUMN
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NUMERIC_TEXT = re.compile(r"\s*-?\d+(?:[.,]\d+)?\s*")
_OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "+", "-", "(", ")", "[", "]", ",")


class ExpressionError(ValueError):
    """What is wrong in an expression (French ``message``) and where (``position``: 0-based character)."""

    def __init__(self, message, position=0):
        super().__init__(message)
        self.message, self.position = message, position

    def __str__(self):
        return _("%(message)s (caractère %(position)s)") % {"message": self.message, "position": self.position + 1}


# --- values ------------------------------------------------------------------------------------------------


def is_empty(value):
    return value is None or value == "" or (isinstance(value, list) and not value)


def as_number(value):
    """A Decimal for a number or a text that reads as one ("12", "-3,5"), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value):
        try:
            return Decimal(value.strip().replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return None
    return None


def number_text(number):
    """12, 12.5, -3 (never 12.0000 nor 1E+1)."""
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def as_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else ""
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, list):
        return ", ".join(as_text(item) for item in value)
    return str(value)


def normalise(value):
    """A context value as expressions see it: numbers as Decimal, lists of texts, None as ""."""
    if value is None:
        return ""
    if isinstance(value, bool | Decimal | str):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, list | tuple | set | frozenset):
        return [as_text(normalise(item)) for item in value]
    return str(value)


def truthy(value):
    """A bare value as a condition: true when not empty and not "N", 0 or false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, Decimal):
        return value != 0
    if is_empty(value) or value == "N":
        return False
    number = as_number(value)
    return number != 0 if number is not None else True


def _single(value):
    """A list in a comparison: empty -> "", one element -> it, several -> "a, b"."""
    if isinstance(value, list):
        return value[0] if len(value) == 1 else as_text(value)
    return value


def compare(operator, left, right):
    left, right = _single(left), _single(right)
    if isinstance(left, bool) or isinstance(right, bool):
        left, right = truthy(left), truthy(right)
        if operator in ("==", "!="):
            return (left == right) == (operator == "==")
        return False
    if operator in ("==", "!=") and (is_empty(left) or is_empty(right)):
        return (is_empty(left) and is_empty(right)) == (operator == "==")
    if operator not in ("==", "!=") and (is_empty(left) or is_empty(right)):
        return False
    a, b = as_number(left), as_number(right)
    if a is None or b is None:
        a, b = as_text(left), as_text(right)
    return {
        "==": a == b,
        "!=": a != b,
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
    }[operator]


# --- the tree ------------------------------------------------------------------------------------------------


class Node:
    position = 0

    def children(self):
        return []

    def walk(self):
        yield self
        for child in self.children():
            yield from child.walk()


class Literal(Node):
    def __init__(self, value, position):
        self.value, self.position = value, position

    def evaluate(self, context):
        return self.value

    def words(self, labels, about=None):
        if isinstance(self.value, bool):
            return _("vrai") if self.value else _("faux")
        if isinstance(self.value, Decimal):
            return number_text(self.value)
        if about is not None:
            label = labels.get((about.name, self.value))
            if label:
                return label
        return self.value if self.value else "« »"


class Ref(Node):
    def __init__(self, code, sub, position):
        self.code, self.sub, self.position = code, sub, position

    @property
    def name(self):
        return f"{self.code}.{self.sub}" if self.sub else self.code

    @property
    def is_ambassador(self):
        return self.code == AMBASSADOR

    def evaluate(self, context):
        name = self.name
        if name in context:
            return normalise(context[name])
        if self.sub and not self.is_ambassador:
            whole = normalise(context.get(self.code))
            if isinstance(whole, list):
                return "Y" if self.sub in whole else ""
        return ""

    def words(self, labels, about=None):
        if self.is_ambassador:
            return labels.get(self.name) or _(AMBASSADOR_ATTRIBUTES.get(self.sub, self.sub))
        return labels.get(self.name) or self.name


class Not(Node):
    def __init__(self, operand, position):
        self.operand, self.position = operand, position

    def children(self):
        return [self.operand]

    def evaluate(self, context):
        return not truthy(self.operand.evaluate(context))

    def words(self, labels, about=None):
        return _("non (%(condition)s)") % {"condition": self.operand.words(labels)}


class Logical(Node):
    """``and`` / ``or`` over two or more operands, evaluated left to right and stopping early."""

    def __init__(self, operator, operands, position):
        self.operator, self.operands, self.position = operator, operands, position

    def children(self):
        return list(self.operands)

    def evaluate(self, context):
        if self.operator == "and":
            return all(truthy(operand.evaluate(context)) for operand in self.operands)
        return any(truthy(operand.evaluate(context)) for operand in self.operands)

    def words(self, labels, about=None):
        joiner = _(" et ") if self.operator == "and" else _(" ou ")
        parts = []
        for operand in self.operands:
            text = operand.words(labels)
            if isinstance(operand, Logical):
                text = f"({text})"
            parts.append(text)
        return joiner.join(parts)


class Comparison(Node):
    def __init__(self, operator, left, right, position):
        self.operator, self.left, self.right, self.position = operator, left, right, position

    def children(self):
        return [self.left, self.right]

    def evaluate(self, context):
        return compare(self.operator, self.left.evaluate(context), self.right.evaluate(context))

    def words(self, labels, about=None):
        left_ref = self.left if isinstance(self.left, Ref) else None
        right_ref = self.right if isinstance(self.right, Ref) else None
        left = self.left.words(labels, right_ref)
        if self.operator in ("==", "!=") and isinstance(self.right, Literal) and self.right.value == "":
            if self.operator == "==":
                return _("%(value)s est vide") % {"value": left}
            return _("%(value)s a une réponse") % {"value": left}
        right = self.right.words(labels, left_ref)
        phrase = {
            "==": _("%(left)s est %(right)s"),
            "!=": _("%(left)s n'est pas %(right)s"),
            "<": "%(left)s < %(right)s",
            "<=": "%(left)s ≤ %(right)s",
            ">": "%(left)s > %(right)s",
            ">=": "%(left)s ≥ %(right)s",
        }[self.operator]
        return phrase % {"left": left, "right": right}


class Membership(Node):
    def __init__(self, operand, values, negated, position):
        self.operand, self.values, self.negated, self.position = operand, values, negated, position

    def children(self):
        return [self.operand, *self.values]

    def evaluate(self, context):
        value = self.operand.evaluate(context)
        items = value if isinstance(value, list) else [value]
        found = any(
            compare("==", item, literal.value) for item in items for literal in self.values if not is_empty(item)
        ) or (is_empty(value) and any(literal.value == "" for literal in self.values))
        return found != self.negated

    def words(self, labels, about=None):
        ref = self.operand if isinstance(self.operand, Ref) else None
        values = ", ".join(literal.words(labels, ref) for literal in self.values)
        phrase = _("%(value)s n'est aucun de : %(values)s") if self.negated else _("%(value)s est l'un de : %(values)s")
        return phrase % {"value": self.operand.words(labels), "values": values}


class Arithmetic(Node):
    """``a + b - c``: numbers (an empty side counts 0); a text with ``+`` joins, a text with ``-`` is empty."""

    def __init__(self, first, rest, position):
        self.first, self.rest, self.position = first, rest, position

    def children(self):
        return [self.first, *(operand for _operator, operand in self.rest)]

    def evaluate(self, context):
        result = self.first.evaluate(context)
        for operator, operand in self.rest:
            value = operand.evaluate(context)
            a = Decimal(0) if is_empty(result) else as_number(result)
            b = Decimal(0) if is_empty(value) else as_number(value)
            if a is not None and b is not None:
                result = a + b if operator == "+" else a - b
            elif operator == "+":
                result = as_text(result) + as_text(value)
            else:
                result = ""
        return result

    def words(self, labels, about=None):
        text = self.first.words(labels)
        for operator, operand in self.rest:
            text += f" {operator} {operand.words(labels)}"
        return text


class Call(Node):
    def __init__(self, function, arguments, position):
        self.function, self.arguments, self.position = function, arguments, position

    def children(self):
        return list(self.arguments)

    def evaluate(self, context):
        arguments = self.arguments
        if self.function == "if":
            condition = truthy(arguments[0].evaluate(context))
            if condition:
                return arguments[1].evaluate(context)
            return arguments[2].evaluate(context) if len(arguments) > 2 else ""
        values = [argument.evaluate(context) for argument in arguments]
        if self.function == "is_empty":
            return is_empty(values[0])
        if self.function == "count":
            return Decimal(
                sum(
                    len([item for item in value if not is_empty(item)]) if isinstance(value, list) else 1
                    for value in values
                    if not is_empty(value)
                )
            )
        if self.function == "sum":
            total = Decimal(0)
            for value in values:
                for item in value if isinstance(value, list) else [value]:
                    number = as_number(item)
                    if number is not None:
                        total += number
            return total
        # contains
        haystack, needle = values
        if isinstance(haystack, list):
            return any(compare("==", item, needle) for item in haystack)
        if is_empty(needle):
            return False
        return as_text(needle) in as_text(haystack)

    def words(self, labels, about=None):
        arguments = self.arguments
        if self.function == "is_empty":
            return _("%(value)s est vide") % {"value": arguments[0].words(labels)}
        if self.function == "count":
            return _("nombre de réponses parmi (%(values)s)") % {
                "values": ", ".join(argument.words(labels) for argument in arguments)
            }
        if self.function == "sum":
            return _("somme de (%(values)s)") % {"values": ", ".join(argument.words(labels) for argument in arguments)}
        if self.function == "if":
            text = _("si %(condition)s alors %(then)s") % {
                "condition": arguments[0].words(labels),
                "then": arguments[1].words(labels),
            }
            if len(arguments) > 2:
                text += _(" sinon %(otherwise)s") % {"otherwise": arguments[2].words(labels)}
            return text
        ref = arguments[0] if isinstance(arguments[0], Ref) else None
        return _("%(value)s contient %(item)s") % {
            "value": arguments[0].words(labels),
            "item": arguments[1].words(labels, ref),
        }


class Expression:
    """A parsed expression: ``evaluate(context)``, ``references()``, ``in_words(labels)``."""

    def __init__(self, text, root):
        self.text, self.root = text, root

    def __repr__(self):
        return f"<Expression {self.text!r}>"

    def evaluate(self, context):
        return self.root.evaluate(context)

    def holds(self, context):
        """The value as a condition (true or false)."""
        return truthy(self.evaluate(context))

    def refs(self):
        """The ``Ref`` nodes, in reading order (each has ``code``, ``sub``, ``name`` and ``position``)."""
        return sorted((node for node in self.root.walk() if isinstance(node, Ref)), key=lambda node: node.position)

    def references(self):
        """The question codes it reads (``Q1`` for ``Q1.SUB`` too) and the ``ambassador.<name>`` it reads."""
        return {ref.name if ref.is_ambassador else ref.code for ref in self.refs()}

    def in_words(self, labels=None):
        """French words: "Q3 > 2 et région est Bretagne". ``labels`` maps a name ("Q3", "ambassador.region") to
        how to show it, and (name, value) to a value's label (a choice code's label)."""
        return self.root.words(labels or {})


# --- the tokenizer and the parser ------------------------------------------------------------------------


class Token:
    __slots__ = ("kind", "position", "value")

    def __init__(self, kind, value, position):
        self.kind, self.value, self.position = kind, value, position

    def __repr__(self):
        return f"{self.kind}:{self.value!r}@{self.position}"


def describe(token):
    if token.kind == "end":
        return _("la fin de l'expression")
    return f"« {token.value} »" if token.kind != "string" else _("un texte")


def tokenize(text):
    tokens = []
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
            continue
        if char in "'\"":
            start, position, parts = position, position + 1, []
            while True:
                if position >= length:
                    raise ExpressionError(_("Texte non terminé : il manque le guillemet fermant %s.") % char, start)
                current = text[position]
                if current == "\\" and position + 1 < length and text[position + 1] in "'\"\\":
                    parts.append(text[position + 1])
                    position += 2
                elif current == char:
                    position += 1
                    break
                else:
                    parts.append(current)
                    position += 1
            tokens.append(Token("string", "".join(parts), start))
            continue
        match = _NUMBER.match(text, position)
        if match:
            tokens.append(Token("number", Decimal(match.group()), position))
            position = match.end()
            continue
        match = _NAME.match(text, position)
        if match:
            word = match.group()
            tokens.append(Token("keyword" if word in KEYWORDS else "name", word, position))
            if text.startswith(".", match.end()):
                raise ExpressionError(
                    _("Sous-code attendu après « %(name)s. » (lettres, chiffres, soulignés).") % {"name": word},
                    match.end() + 1,
                )
            position = match.end()
            continue
        operator = next((op for op in _OPERATORS if text.startswith(op, position)), None)
        if operator is None:
            hint = {
                "=": _("Caractère « = » inattendu : pour comparer, écrivez « == »."),
                "!": _("Caractère « ! » inattendu : écrivez « not » (ou « != » pour « différent de »)."),
                "&": _("Caractère « & » inattendu : écrivez « and »."),
                "|": _("Caractère « | » inattendu : écrivez « or »."),
                "{": _("Accolade inattendue : une condition s'écrit sans accolades."),
            }.get(char)
            raise ExpressionError(hint or _("Caractère inattendu : « %s ».") % char, position)
        tokens.append(Token("op", operator, position))
        position += len(operator)
    tokens.append(Token("end", None, length))
    return tokens


class Parser:
    def __init__(self, text):
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    @property
    def current(self):
        return self.tokens[self.index]

    def advance(self):
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind, value=None):
        token = self.current
        return token.kind == kind and (value is None or token.value == value)

    def expect(self, kind, value, what):
        if not self.at(kind, value):
            raise ExpressionError(
                _("%(expected)s attendu, trouvé %(found)s.") % {"expected": what, "found": describe(self.current)},
                self.current.position,
            )
        return self.advance()

    def deeper(self, position):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                _("Expression trop imbriquée (plus de %(depth)s niveaux).") % {"depth": MAX_DEPTH}, position
            )

    def parse(self):
        if not self.text.strip():
            raise ExpressionError(_("Expression vide."), 0)
        node = self.expression()
        if not self.at("end"):
            token = self.current
            if token.kind == "op" and token.value == ")":
                raise ExpressionError(_("Parenthèse fermante sans parenthèse ouvrante."), token.position)
            raise ExpressionError(
                _("%(found)s inattendu : il manque peut-être « and » ou « or » avant.") % {"found": describe(token)},
                token.position,
            )
        return node

    def expression(self):
        return self.logical("or", self.conjunction)

    def conjunction(self):
        return self.logical("and", self.negation)

    def logical(self, operator, operand):
        position = self.current.position
        operands = [operand()]
        while self.at("keyword", operator):
            self.advance()
            operands.append(operand())
        return operands[0] if len(operands) == 1 else Logical(operator, operands, position)

    def negation(self):
        if self.at("keyword", "not"):
            token = self.advance()
            self.deeper(token.position)
            operand = self.negation()
            self.depth -= 1
            return Not(operand, token.position)
        return self.comparison()

    def comparison(self):
        position = self.current.position
        left = self.sum()
        if self.at("op") and self.current.value in COMPARISONS:
            operator = self.advance().value
            return Comparison(operator, left, self.sum(), position)
        negated = False
        following = self.tokens[self.index + 1] if self.at("keyword", "not") else None
        if following is not None and following.kind == "keyword" and following.value == "in":
            self.advance()
            negated = True
        if self.at("keyword", "in"):
            self.advance()
            self.expect("op", "[", _("« [ »"))
            values = [self.literal()]
            while self.at("op", ","):
                self.advance()
                values.append(self.literal())
            self.expect("op", "]", _("« ] » ou « , »"))
            return Membership(left, values, negated, position)
        return left

    def literal(self):
        token = self.current
        negative = False
        if token.kind == "op" and token.value == "-" and self.tokens[self.index + 1].kind == "number":
            self.advance()
            negative = True
            token = self.current
        if token.kind in ("number", "string"):
            self.advance()
            return Literal(-token.value if negative else token.value, token.position)
        if token.kind == "keyword" and token.value in ("true", "false"):
            self.advance()
            return Literal(token.value == "true", token.position)
        raise ExpressionError(
            _("Valeur attendue dans la liste (un nombre ou un texte entre guillemets), trouvé %(found)s.")
            % {"found": describe(token)},
            token.position,
        )

    def sum(self):
        position = self.current.position
        first = self.atom()
        rest = []
        while self.at("op") and self.current.value in ("+", "-"):
            operator = self.advance().value
            rest.append((operator, self.atom()))
        return Arithmetic(first, rest, position) if rest else first

    def atom(self):
        token = self.current
        if token.kind == "number":
            self.advance()
            return Literal(token.value, token.position)
        if token.kind == "string":
            self.advance()
            return Literal(token.value, token.position)
        if token.kind == "op" and token.value == "-" and self.tokens[self.index + 1].kind == "number":
            self.advance()
            number = self.advance()
            return Literal(-number.value, token.position)
        if token.kind == "keyword" and token.value in ("true", "false"):
            self.advance()
            return Literal(token.value == "true", token.position)
        if token.kind == "op" and token.value == "(":
            self.advance()
            self.deeper(token.position)
            node = self.expression()
            self.depth -= 1
            if not self.at("op", ")"):
                raise ExpressionError(
                    _("Parenthèse ouverte caractère %(open)s jamais fermée : trouvé %(found)s.")
                    % {"open": token.position + 1, "found": describe(self.current)},
                    self.current.position,
                )
            self.advance()
            return node
        if token.kind == "name":
            if self.tokens[self.index + 1].kind == "op" and self.tokens[self.index + 1].value == "(":
                return self.call()
            return self.ref()
        raise ExpressionError(
            _("Valeur attendue (un code de question, un nombre, un texte entre guillemets), trouvé %(found)s.")
            % {"found": describe(token)},
            token.position,
        )

    def call(self):
        token = self.advance()
        name = token.value
        if name not in FUNCTIONS:
            raise ExpressionError(
                _("Fonction inconnue : « %(name)s » (connues : %(known)s).")
                % {"name": name, "known": ", ".join(sorted(FUNCTIONS))},
                token.position,
            )
        self.advance()  # (
        self.deeper(token.position)
        arguments = []
        if not self.at("op", ")"):
            arguments.append(self.expression())
            while self.at("op", ","):
                self.advance()
                arguments.append(self.expression())
        self.depth -= 1
        self.expect("op", ")", _("« ) » ou « , »"))
        fewest, most = FUNCTIONS[name]
        if len(arguments) < fewest or (most is not None and len(arguments) > most):
            if fewest == most:
                message = _("%(name)s prend %(n)s argument(s), pas %(given)s.")
            elif most is None:
                message = _("%(name)s prend au moins %(n)s argument(s), pas %(given)s.")
            else:
                message = _("%(name)s prend de %(n)s à %(most)s arguments, pas %(given)s.")
            raise ExpressionError(
                message % {"name": name, "n": fewest, "most": most, "given": len(arguments)}, token.position
            )
        return Call(name, arguments, token.position)

    def ref(self):
        token = self.advance()
        parts = token.value.split(".")
        if len(parts) > 2:
            raise ExpressionError(
                _("Un seul point est permis dans un nom (« Q1.SOUS »)."),
                token.position + len(parts[0]) + len(parts[1]) + 1,
            )
        if len(parts) == 1 and parts[0] in ALIASES:
            parts = ALIASES[parts[0]].split(".")
        code, sub = parts[0], parts[1] if len(parts) > 1 else None
        if code == AMBASSADOR and sub is None:
            raise ExpressionError(
                _("Précisez l'attribut de l'ambassadeur : %(names)s.")
                % {"names": ", ".join(f"ambassador.{name}" for name in AMBASSADOR_ATTRIBUTES)},
                token.position,
            )
        return Ref(code, sub, token.position)


def parse(text):
    """The ``Expression`` of ``text``; raises ``ExpressionError`` (message and position) when it is not one."""
    if not isinstance(text, str):
        raise ExpressionError(_("Une expression est un texte."), 0)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            _("Expression trop longue (%(length)s caractères, au plus %(most)s).")
            % {"length": len(text), "most": MAX_LENGTH},
            MAX_LENGTH,
        )
    return Expression(text, Parser(text).parse())


# --- checking against a survey ------------------------------------------------------------------------------


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
    problems = []
    for ref in expression.refs():
        if ref.is_ambassador:
            if ref.sub not in AMBASSADOR_ATTRIBUTES:
                problems.append(
                    ExpressionError(
                        _("Attribut inconnu : « %(name)s » (connus : %(known)s).")
                        % {"name": ref.name, "known": ", ".join(AMBASSADOR_ATTRIBUTES)},
                        ref.position,
                    )
                )
            continue
        if ref.code not in outline.by_code:
            problems.append(ExpressionError(_("Question inconnue : « %(code)s ».") % {"code": ref.code}, ref.position))
            continue
        if not outline.earlier(ref.code, item):
            problems.append(
                ExpressionError(
                    _("« %(code)s » ne vient pas avant : une condition porte sur une question posée plus tôt.")
                    % {"code": ref.code},
                    ref.position,
                )
            )
        subs = outline.rows[ref.code] or outline.choices[ref.code]
        if ref.sub is not None and subs and ref.sub not in subs:
            problems.append(
                ExpressionError(
                    _("La question « %(code)s » n'a pas de ligne ni de choix « %(sub)s ».")
                    % {"code": ref.code, "sub": ref.sub},
                    ref.position,
                )
            )
    problems.extend(_value_problems(expression, outline))
    return sorted(problems, key=lambda problem: problem.position)


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
