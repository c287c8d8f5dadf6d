"""The formula-injection guard: a text that begins with = + - @ a tab or a carriage return would run as a
formula in a spreadsheet. A workbook writes such a text as an explicit, quote-prefixed string (``is_dangerous``
tells which, ``cell_guard`` marks an openpyxl cell); a CSV file gets it with a leading single quote
(``csv_safe``; ``csv_text`` for any value a CSV writer would turn into text)."""

from decimal import Decimal

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NUMBERS = (bool, int, float, Decimal)


def is_dangerous(value):
    return type(value) is str and value != "" and value[0] in DANGEROUS


def csv_safe(value):
    """A CSV field that no spreadsheet runs as a formula: texts beginning with = + - @ tab or CR get a quote."""
    return "'" + value if is_dangerous(value) else value


def csv_text(value):
    """``csv_safe`` for any value: numbers and None stay as they are, anything else becomes its text (as the
    CSV writer would make it), guarded."""
    if value is None or isinstance(value, NUMBERS):
        return value
    return csv_safe(value if type(value) is str else str(value))


def cell_guard(cell):
    """An openpyxl cell whose text would run as a formula, kept as a quote-prefixed string."""
    if isinstance(cell.value, str) and cell.value[:1] in DANGEROUS:
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
