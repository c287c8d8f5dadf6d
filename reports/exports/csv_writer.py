"""The CSV writer: one table as UTF-8 text (with a byte-order mark, for Excel), streamed line by line to a
response or written to a file; texts that could run as formulas get a leading quote
(``campaigns.spreadsheets.formulas``)."""

import csv

from campaigns.spreadsheets.formulas import csv_safe
from reports.exports import streaming


class _Echo:
    def write(self, value):
        return value


def _csv_value(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return csv_safe(value)


def csv_lines(found):
    """The CSV text of a table, line by line (UTF-8 with a byte-order mark for Excel, once)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    if found.header:
        yield writer.writerow([csv_safe(value) for value in found.header])
    for row in found.rows():
        yield writer.writerow([_csv_value(value) for value in row])


def write_csv(found, target, *, progress=None):
    """Write a table as CSV to ``target`` (a path); returns the number of rows."""
    rows = 0
    total = found.count()
    with open(target, "w", encoding="utf-8", newline="") as handle:
        for number, line in enumerate(csv_lines(found)):
            handle.write(line)
            rows = number
            if progress and number and number % streaming.PROGRESS_EVERY == 0:
                progress(number, max(total, number))
    rows = max(0, rows - (1 if found.header else 0))
    if progress:
        progress(rows, rows)
    return rows
