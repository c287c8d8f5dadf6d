"""What values mean in expressions: emptiness, numbers read from texts, truth, and comparison (numeric when
both sides read as numbers, else as texts; an ordering with an empty side is false)."""

import re
from decimal import Decimal, InvalidOperation

_NUMERIC_TEXT = re.compile(r"\s*-?\d+(?:[.,]\d+)?\s*")


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
