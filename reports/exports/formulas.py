"""The formula-injection guard: a text that begins with = + - @ a tab or a carriage return would run as a
formula in a spreadsheet. The workbook writes such a text as an explicit, quote-prefixed string (``is_dangerous``
tells which); a CSV file gets it with a leading single quote (``csv_safe``)."""

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A CSV field that no spreadsheet runs as a formula: texts beginning with = + - @ tab or CR get a quote."""
    if type(value) is str and value and value[0] in DANGEROUS:
        return "'" + value
    return value


def is_dangerous(value):
    return type(value) is str and value != "" and value[0] in DANGEROUS
