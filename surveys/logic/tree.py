"""The parsed expression: its nodes (each evaluates over a context, lists its children, says itself in French)
and ``Expression``, the tree with its text."""

from decimal import Decimal

from django.utils.translation import gettext as _

from surveys.logic.grammar import AMBASSADOR, AMBASSADOR_ATTRIBUTES
from surveys.logic.semantics import as_number, as_text, compare, is_empty, normalise, number_text, truthy


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
