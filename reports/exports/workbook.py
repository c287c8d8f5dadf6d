"""The workbook writer: openpyxl in write-only mode, the summary and its charts (native Excel charts beside
their tables) first, then one sheet per data table, split onto a next sheet (same header) past
``SHEET_ROW_LIMIT`` rows. Text cells that could run as formulas are written as explicit, quote-prefixed strings
(``campaigns.spreadsheets.formulas``)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from campaigns.spreadsheets.formulas import DANGEROUS, is_dangerous
from reports.exports import streaming
from reports.exports.catalogue import tables
from reports.exports.excel_charts import charts_write
from reports.exports.sources.summary import summary_rows
from reports.report import campaign_report

SHEET_ROW_LIMIT = 1_048_576  # rows per sheet in Excel, the header included
MIN_WIDTH, MAX_WIDTH = 12, 50  # a data column's width, in characters


def sheet_title(title, number):
    """The name of the ``number``-th sheet of a table (Excel allows 31 characters, without []:*?/\\)."""
    for character in "[]:*?/\\":
        title = title.replace(character, " ")
    suffix = f" ({number})" if number > 1 else ""
    return title[: 31 - len(suffix)] + suffix


class SheetSplitter:
    """Appends rows to a write-only sheet, and to a next one (same header) past ``row_limit`` rows per sheet,
    the header included. Text cells that could run as formulas are written as explicit, quote-prefixed strings.
    """

    def __init__(self, workbook, title, header, *, row_limit=SHEET_ROW_LIMIT):
        if row_limit < 2 and header:
            raise ValueError("row_limit must leave room for a row under the header")
        self.workbook, self.title, self.header, self.row_limit = workbook, title, header, row_limit
        self.sheets = []
        self.rows_in_sheet = 0
        self.rows = 0
        self._new_sheet()

    def _new_sheet(self):
        self.sheet = self.workbook.create_sheet(sheet_title(self.title, len(self.sheets) + 1))
        self.sheets.append(self.sheet)
        self.rows_in_sheet = 0
        if self.header:
            self._header_layout()
            bold = Font(bold=True)
            cells = []
            for value in self.header:
                cell = self._cell(value)
                cell.font = bold
                cells.append(cell)
            self.sheet.append(cells)
            self.rows_in_sheet = 1

    def _header_layout(self):
        """A table a manager can hand on: the header frozen, a filter on every column, widths from the header's
        labels (set before the first row: a write-only sheet writes them first)."""
        self.sheet.freeze_panes = "A2"
        for index, value in enumerate(self.header, start=1):
            width = min(max(len(str(value)) + 4, MIN_WIDTH), MAX_WIDTH)
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(len(self.header))}{self.row_limit}"

    def _cell(self, value):
        cell = WriteOnlyCell(self.sheet, value)
        if is_dangerous(value):
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell

    def append(self, row):
        if self.rows_in_sheet >= self.row_limit:
            self._new_sheet()
        for value in row:
            if type(value) is str and value and value[0] in DANGEROUS:
                row = [self._cell(value) if is_dangerous(value) else value for value in row]
                break
        self.sheet.append(row)
        self.rows_in_sheet += 1
        self.rows += 1


def _summary_sheet(workbook, campaign, row_limit):
    """The summary, then under it the report's charts as native Excel charts beside their tables
    (``excel_charts``)."""
    report = campaign_report(campaign)
    summary = SheetSplitter(workbook, _("Synthèse"), [], row_limit=row_limit)
    for row in summary_rows(report):
        summary.append(row)
    charts_write(summary.sheet, summary.rows_in_sheet, report)


def write_workbook(campaign, target, *, row_limit=SHEET_ROW_LIMIT, progress=None, names=None, identities=True):
    """Write the campaign's workbook to ``target`` (a path or a binary file): the summary with its charts,
    then the data tables (all, or those in ``names``; answers by their labels), then the legend of their codes.
    ``progress(rows_done, rows_total)`` is called as rows go.
    Returns the number of data rows written."""
    workbook = Workbook(write_only=True)
    _summary_sheet(workbook, campaign, row_limit)
    found_tables = tables(campaign, identities=identities, labelled=True).items()
    chosen = [found for name, found in found_tables if names is None or name in names]
    total = sum(found.count() for found in chosen)
    done = 0
    if progress:
        progress(done, total)
    for found in chosen:
        splitter = SheetSplitter(workbook, found.title, found.header, row_limit=row_limit)
        for row in found.rows():
            splitter.append(row)
            done += 1
            if progress and done % streaming.PROGRESS_EVERY == 0:
                progress(done, max(total, done))
    for legend in [found.legend for found in chosen if found.legend is not None]:
        splitter = SheetSplitter(workbook, legend.title, legend.header, row_limit=row_limit)
        for row in legend.rows():
            splitter.append(row)
    workbook.save(target)
    if progress:
        progress(done, done)
    return done
