"""LimeSurvey's Expression Manager, the subset real exports use, translated into our expression language
(``surveys.logic.expressions``, grammar in the README): relevance equations (``X.NAOK == "Y"``, comparisons
with numbers and strings, ``is_empty``, ``!is_empty``, ``count``, ``sum``, ``if``, ``and``/``or``/``&&``/
``||``/``!``), old-format ``conditions`` rows (turned into the equation LimeSurvey itself derives from them)
and tailoring (``{X}``, ``{X.shown}``, ``{if(...)}``, ``{TOKEN:FIRSTNAME}`` in texts).

Pure string to string: the names of the file (question codes, ``X_SQ001``, SGQA ``123X4X56``, ``self``,
``that``, ``TOKEN:…``) are resolved by a ``scope`` the caller gives (``surveys.limesurvey.conditions``),
which returns an ``Operand``. What cannot be expressed raises ``Untranslatable`` with the reason in French
("utilise `regexMatch`"); nothing is ever guessed."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_DEPTH = 30
MAX_CHARS = 5000
MAX_STRAYS = 20  # lone braces reported per text (all are removed)

# Functions of ours that take LimeSurvey's arguments unchanged: name -> (least, most arguments).
FUNCTIONS = {"is_empty": (1, 1), "count": (1, None), "sum": (1, None), "if": (3, 3)}
WORD_OPERATORS = {
    "and": "and",
    "or": "or",
    "not": "!",
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
}
COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
NUMBER = re.compile(r"\d+(\.\d+)?$")

TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>(?:TOKEN|INSERTANS):[A-Za-z0-9_#]+
      | \d+X\d+X\d+[A-Za-z0-9_#]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*
      | [A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<number>\d+(?:\.\d+)?|\.\d+)
  | (?P<operator>==|!=|<=|>=|&&|\|\||[<>!+\-*/(),=])
    """,
    re.VERBOSE,
)


class Untranslatable(ValueError):
    """The expression cannot be expressed in our language; the message says why, in French."""


@dataclass
class Operand:
    """A LimeSurvey name resolved: our expression ``text``; ``items`` when it stands for several values
    (``that.X``, ``self``: only count and sum take it); ``codes`` {LimeSurvey literal: ours} for values
    coded differently (yes/no)."""

    text: str
    items: tuple = ()
    codes: dict = field(default_factory=dict)


def quoted(value):
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def literal(value):
    """A LimeSurvey value as our literal: a number when it reads as one, else a string."""
    value = str(value)
    leading_zero = len(value) > 1 and value.startswith("0") and "." not in value  # a code such as "01"
    return value if NUMBER.match(value) and not leading_zero else quoted(value)


# --- reading LimeSurvey's expression ------------------------------------------------------------------------


def _tokens(text):
    if len(text) > MAX_CHARS:
        raise Untranslatable(_("expression de plus de %(count)s caractères") % {"count": MAX_CHARS})
    tokens, position = [], 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None:
            raise Untranslatable(_("caractère « %(char)s » non compris") % {"char": text[position]})
        position = match.end()
        kind = match.lastgroup
        value = match.group()
        if kind == "space":
            continue
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        elif kind == "name" and value.lower() in WORD_OPERATORS:
            kind, value = "operator", WORD_OPERATORS[value.lower()]
        elif kind == "operator" and value in ("&&", "||"):
            value = "and" if value == "&&" else "or"
        tokens.append((kind, value))
    return tokens


class _Parser:
    """LimeSurvey's precedence: ``!`` and unary minus, ``* /``, ``+ -``, ``< <= > >=``, ``== !=``, ``and``,
    ``or``. Nodes are tuples: ("or"|"and", [nodes]), ("not", node), ("compare", op, a, b), ("arith", op, a,
    b), ("neg", node), ("number", text), ("string", text), ("name", text), ("call", name, [nodes])."""

    def __init__(self, text):
        self.tokens = _tokens(text)
        self.index = 0
        self.depth = 0

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else (None, None)

    def take(self, value=None):
        token = self.peek()
        if token[0] is None or (value is not None and token[1] != value):
            raise Untranslatable(_("expression incomplète ou mal formée"))
        self.index += 1
        return token

    def parse(self):
        if not self.tokens:
            raise Untranslatable(_("expression vide"))
        node = self.expression()
        if self.index != len(self.tokens):
            if self.peek()[1] == "=":
                raise Untranslatable(_("contient une affectation (« = »)"))
            raise Untranslatable(_("« %(token)s » inattendu") % {"token": self.peek()[1]})
        return node

    def expression(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Untranslatable(_("expression trop imbriquée"))
        node = self.joined("or", self.both)
        self.depth -= 1
        return node

    def joined(self, operator, operand):
        nodes = [operand()]
        while self.peek() == ("operator", operator):
            self.take()
            nodes.append(operand())
        return nodes[0] if len(nodes) == 1 else (operator, nodes)

    def both(self):
        return self.joined("and", self.equality)

    def binary(self, operators, operand, kind):
        node = operand()
        while self.peek()[0] == "operator" and self.peek()[1] in operators:
            operator = self.take()[1]
            node = (kind, operator, node, operand())
        return node

    def equality(self):
        return self.binary({"==", "!="}, self.relation, "compare")

    def relation(self):
        return self.binary({"<", "<=", ">", ">="}, self.additive, "compare")

    def additive(self):
        return self.binary({"+", "-"}, self.multiplicative, "arith")

    def multiplicative(self):
        return self.binary({"*", "/"}, self.unary, "arith")

    def unary(self):
        kind, value = self.peek()
        if kind == "operator" and value in ("!", "-", "+"):
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise Untranslatable(_("expression trop imbriquée"))
            operand = self.unary()
            self.depth -= 1
            return {"!": ("not", operand), "-": ("neg", operand), "+": operand}[value]
        return self.primary()

    def primary(self):
        kind, value = self.take()
        if kind == "number":
            return ("number", value if not value.startswith(".") else "0" + value)
        if kind == "string":
            return ("string", value)
        if kind == "operator" and value == "(":
            node = self.expression()
            self.take(")")
            return node
        if kind == "name":
            if self.peek() == ("operator", "("):
                self.take()
                arguments = []
                if self.peek() != ("operator", ")"):
                    arguments.append(self.expression())
                    while self.peek() == ("operator", ","):
                        self.take()
                        arguments.append(self.expression())
                self.take(")")
                return ("call", value, arguments)
            return ("name", value)
        raise Untranslatable(_("« %(token)s » inattendu") % {"token": value})


# --- writing ours ---------------------------------------------------------------------------------------------

# Our levels, loosest first: an operand looser than its place needs parentheses.
OR, AND, NOT, COMPARE, SUM, ATOM = range(1, 7)


class _Writer:
    def __init__(self, scope, here):
        self.scope, self.here = scope, here

    def write(self, node):
        return self.text(node)[0]

    def text(self, node):
        kind = node[0]
        if kind in ("or", "and"):
            level = OR if kind == "or" else AND
            return f" {kind} ".join(self.placed(child, level) for child in node[1]), level
        if kind == "not":
            return "not " + self.placed(node[1], NOT), NOT
        if kind == "compare":
            return self.compare(node)
        if kind == "arith":
            operator = node[1]
            if operator in ("*", "/"):
                raise Untranslatable(_("utilise la multiplication") if operator == "*" else _("utilise la division"))
            right = self.placed(node[3], ATOM if operator == "-" else SUM)
            return f"{self.placed(node[2], SUM)} {operator} {right}", SUM
        if kind == "neg":
            return "0 - " + self.placed(node[1], ATOM), SUM
        if kind == "number":
            return node[1], ATOM
        if kind == "string":
            return quoted(node[1]), ATOM
        if kind == "name":
            operand = self.operand(node[1])
            if operand.items:
                raise Untranslatable(
                    _("« %(name)s » désigne plusieurs valeurs hors de count ou sum") % {"name": node[1]}
                )
            return operand.text, ATOM
        return self.call(node)

    def placed(self, node, level):
        text, own = self.text(node)
        return f"({text})" if own < level else text

    def operand(self, name):
        return self.scope(name, self.here)

    def compare(self, node):
        _kind, operator, left, right = node
        emptiness = _length_test(operator, left, right)
        if emptiness is not None:
            empty, argument = emptiness
            return ("" if empty else "not ") + f"is_empty({self.write(argument)})", ATOM if empty else NOT
        # A literal compared with a value coded differently here (yes/no) takes our code.
        for this, other in ((left, right), (right, left)):
            if this[0] == "name" and other[0] in ("string", "number"):
                codes = self.operand(this[1]).codes
                if other[1] in codes:
                    literal_node = ("string", codes[other[1]])
                    left, right = (left, literal_node) if this is left else (literal_node, right)
        return f"{self.placed(left, SUM)} {operator} {self.placed(right, SUM)}", COMPARE

    def call(self, node):
        _kind, name, arguments = node
        if name not in FUNCTIONS:
            raise Untranslatable(_("utilise `%(function)s`") % {"function": name})
        least, most = FUNCTIONS[name]
        if len(arguments) < least or (most is not None and len(arguments) > most):
            raise Untranslatable(
                _("`%(function)s` avec %(count)s arguments") % {"function": name, "count": len(arguments)}
            )
        texts = []
        for argument in arguments:
            if argument[0] == "name" and name in ("count", "sum"):
                operand = self.operand(argument[1])
                texts.extend(operand.items or [operand.text])
            else:
                texts.append(self.write(argument))
        return f"{name}({', '.join(texts)})", ATOM


# strlen(x) compared with 0 or 1 tests emptiness: (operator, number) -> whether it means "empty".
LENGTH_TESTS = {
    (">", "0"): False,
    (">=", "1"): False,
    ("!=", "0"): False,
    ("==", "0"): True,
    ("<", "1"): True,
    ("<=", "0"): True,
}
MIRRORED = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}


def _length_test(operator, left, right):
    """(empty?, argument) when the comparison is ``strlen(x)`` against 0 or 1 as an emptiness test, else None."""
    if right[0] == "call" and left[0] == "number":
        left, right, operator = right, left, MIRRORED[operator]
    if left[0] != "call" or left[1] != "strlen" or len(left[2]) != 1 or right[0] != "number":
        return None
    empty = LENGTH_TESTS.get((operator, right[1]))
    return None if empty is None else (empty, left[2][0])


def translate(text, scope, here=None):
    """Our expression for LimeSurvey's ``text``; ``scope(name, here)`` resolves a name of the file into an
    Operand (or raises Untranslatable). Raises Untranslatable with the reason."""
    return _Writer(scope, here).write(_Parser(text).parse())


def always(text):
    """Whether a LimeSurvey relevance means "always" (empty or 1)."""
    return (text or "").strip() in ("", "1")


def names_in(text):
    """The names a LimeSurvey expression reads (empty when it does not parse)."""
    try:
        tokens = _tokens(text)
    except Untranslatable:
        return []
    return [value for kind, value in tokens if kind == "name" and value.lower() not in FUNCTIONS]


# LimeSurvey's way to show a list's answer or its "other" text: our piping of the list does both.
OTHER_OR_LABEL = re.compile(r"if\(not is_empty\(([A-Za-z0-9_]+)\.other\), \1\.other, \1\)")


def _simpler(expression):
    match = OTHER_OR_LABEL.fullmatch(expression)
    return match.group(1) if match else expression


# --- tailoring ------------------------------------------------------------------------------------------------

# LimeSurvey's braces hold an expression when the brace is not followed by a space or a line break.
TAILORING = re.compile(r"\{(?![\s{}])((?:[^{}\"']|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')*)\}")


def tailoring(text, scope, here=None):
    """``(text, problems)``: LimeSurvey's ``{…}`` tailoring in ``text`` as our piping (``{expr}``); what
    cannot be translated is removed from the text and listed in ``problems`` (``(the braces, reason)``). A
    brace left alone (not an expression) is dropped too, so no raw ``{`` reaches an ambassador."""
    problems, pipes = [], []

    def replace(match):
        try:
            pipes.append("{" + _simpler(translate(match.group(1), scope, here)) + "}")
        except Untranslatable as exc:
            problems.append((match.group(0), str(exc)))
            return ""
        return f"\x00{len(pipes) - 1}\x00"

    translated = TAILORING.sub(replace, (text or "").replace("\x00", ""))
    for stray in re.findall(r"[^\n{}\x00]{0,20}[{}][^\n{}\x00]{0,20}", translated)[:MAX_STRAYS]:
        problems.append((stray.strip(), _("accolade seule")))
    translated = re.sub(r"[ \t]{2,}", " ", translated.replace("{", "").replace("}", ""))
    translated = re.sub(r"[ \t]+$", "", translated, flags=re.MULTILINE)  # a line ending in what was removed
    return re.sub("\x00(\\d+)\x00", lambda match: pipes[int(match.group(1))], translated), problems
