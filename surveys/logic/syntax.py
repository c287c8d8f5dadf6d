"""Reading an expression: a hand-written tokenizer and recursive-descent parser (no ``eval``), bounded in length
(``MAX_LENGTH``) and nesting (``MAX_DEPTH``) so hostile text costs little and never reaches Python's recursion
limit."""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from surveys.logic.grammar import (
    ALIASES,
    AMBASSADOR,
    AMBASSADOR_ATTRIBUTES,
    COMPARISONS,
    FUNCTIONS,
    KEYWORDS,
    MAX_DEPTH,
    MAX_LENGTH,
    ExpressionError,
)
from surveys.logic.tree import Arithmetic, Call, Comparison, Expression, Literal, Logical, Membership, Not, Ref

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "+", "-", "(", ")", "[", "]", ",")


class Token:
    __slots__ = ("end", "kind", "position", "value")

    def __init__(self, kind, value, position, end=None):
        self.kind, self.value, self.position, self.end = kind, value, position, end

    def __repr__(self):
        return f"{self.kind}:{self.value!r}@{self.position}"


def describe(token):
    if token.kind == "end":
        return _("la fin de l'expression")
    return f"« {token.value} »" if token.kind != "string" else _("un texte")


def tokenize(text):
    """[Token] of ``text``, ending with an "end" token; raises ``ExpressionError`` at the first bad character."""
    tokens = []
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
        elif char in "'\"":
            token, position = _string(text, position)
            tokens.append(token)
        else:
            token = _word(text, position) or _operator(text, position)
            tokens.append(token)
            position = token.end
    tokens.append(Token("end", None, length))
    return tokens


def _string(text, start):
    """The string token opening at ``start`` (backslash escapes \\' \\" \\\\), and where it ends."""
    quote, position, parts, length = text[start], start + 1, [], len(text)
    while True:
        if position >= length:
            raise ExpressionError(_("Texte non terminé : il manque le guillemet fermant %s.") % quote, start)
        current = text[position]
        if current == "\\" and position + 1 < length and text[position + 1] in "'\"\\":
            parts.append(text[position + 1])
            position += 2
        elif current == quote:
            return Token("string", "".join(parts), start), position + 1
        else:
            parts.append(current)
            position += 1


def _word(text, position):
    """A number, a name or a keyword at ``position``, or None."""
    match = _NUMBER.match(text, position)
    if match:
        return Token("number", Decimal(match.group()), position, match.end())
    match = _NAME.match(text, position)
    if not match:
        return None
    word = match.group()
    if text.startswith(".", match.end()):
        raise ExpressionError(
            _("Sous-code attendu après « %(name)s. » (lettres, chiffres, soulignés).") % {"name": word},
            match.end() + 1,
        )
    return Token("keyword" if word in KEYWORDS else "name", word, position, match.end())


def _operator(text, position):
    operator = next((op for op in _OPERATORS if text.startswith(op, position)), None)
    if operator is not None:
        return Token("op", operator, position, position + len(operator))
    char = text[position]
    hint = {
        "=": _("Caractère « = » inattendu : pour comparer, écrivez « == »."),
        "!": _("Caractère « ! » inattendu : écrivez « not » (ou « != » pour « différent de »)."),
        "&": _("Caractère « & » inattendu : écrivez « and »."),
        "|": _("Caractère « | » inattendu : écrivez « or »."),
        "{": _("Accolade inattendue : une condition s'écrit sans accolades."),
    }.get(char)
    raise ExpressionError(hint or _("Caractère inattendu : « %s ».") % char, position)


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
