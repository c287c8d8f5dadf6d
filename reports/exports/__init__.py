"""Exports of a campaign's report: an XLSX workbook (openpyxl, write-only) and CSV files, streamed.

Row sources (``sources/``, one module per table, each describing its table as a ``Table``): the summary
(figures, definitions; charts beside them in the workbook), the invitations, the survey responses (one column per
question, per matrix row and per ranked choice), the ideas and the votes; ``catalogue`` says which tables a
campaign has. Writers: ``workbook`` (sheets split past Excel's row limit, the summary's charts) and
``csv_writer``; ``campaigns.spreadsheets.formulas`` (the project's one guard) keeps any text cell from running as
a formula. Rows are read with
``values_list(...).iterator(chunk_size=...)`` (``streaming``) and written one by one, so memory stays flat
whatever the number of rows; a sheet holds at most ``SHEET_ROW_LIMIT`` rows (Excel's limit) and the rows that
follow go on a next sheet with the same header ("Invitations (2)").

Formula injection: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
written to the workbook as an explicit string with Excel's quote prefix (shown as typed, never computed), and
to a CSV file with a leading single quote.

Privacy: the summary carries the suppressed figures of ``reports.rates`` and ``reports.survey_stats``. A reader
who may not see the ambassadors' personal data (``may_see_identities``: analysts) gets aggregates only: the
summary and the ideas, authors by pseudonym (``catalogue``). For an anonymous survey, the invitations and the
responses carry no join key: no numbers, no time finer than the day, no attribute beside the answers, rows in an
order drawn for each export.

The names below are what the rest of the project imports (``from reports import exports``). The streaming
figures are read where they live: ``reports.exports.streaming.CHUNK_SIZE`` and ``PROGRESS_EVERY``.
"""

from campaigns.spreadsheets.formulas import DANGEROUS, csv_safe, is_dangerous
from reports.exports.catalogue import TABLE_NAMES, may_see_identities, summary_table, table, tables
from reports.exports.csv_writer import csv_lines, write_csv
from reports.exports.sources import Table
from reports.exports.sources.ideas import ideas_table
from reports.exports.sources.invitations import invitations_table
from reports.exports.sources.responses import responses_table
from reports.exports.sources.summary import summary_rows
from reports.exports.sources.votes import votes_table
from reports.exports.workbook import SHEET_ROW_LIMIT, SheetSplitter, sheet_title, write_workbook

__all__ = [
    "DANGEROUS",
    "SHEET_ROW_LIMIT",
    "TABLE_NAMES",
    "SheetSplitter",
    "Table",
    "csv_lines",
    "csv_safe",
    "ideas_table",
    "invitations_table",
    "is_dangerous",
    "may_see_identities",
    "responses_table",
    "sheet_title",
    "summary_rows",
    "summary_table",
    "table",
    "tables",
    "votes_table",
    "write_csv",
    "write_workbook",
]
