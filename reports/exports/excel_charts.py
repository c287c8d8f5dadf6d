"""The workbook's charts as native Excel charts (openpyxl's chart module), each beside its data table in the
"Graphiques" section under the summary, its series pointing at that table's cells: an analyst can restyle a
chart, change its type, or copy it with its data. The figures are the report's, after the privacy layer: a
withheld figure is written as "—" (a gap in the chart); a text that would run as a formula stays text. Every
chart of the report has an Excel equivalent (bars, stacked bars, lines), so no picture is left in the workbook;
a chart that Excel cannot draw would stay a matplotlib picture (``reports.charts``) placed the same way."""

from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font

from campaigns.spreadsheets.formulas import cell_guard
from reports.exports.sources import suppressed_label
from reports.rates import DAILY_KEYS, RATES, STEP_KEYS, STEP_LABELS

CHART_COLUMN = "F"  # charts sit to the right of their table (columns A to D)
CHART_ROWS = 16  # rows a chart covers at its default size (7.5 cm high)
PERCENT = "0.0 %"
DATE = "DD/MM/YYYY"
TIMELINE = ["opened", "answered"]


class ChartSheet:
    """Tables written on a write-only sheet below what it holds already (``rows`` rows), each followed by room
    for the chart drawn beside it."""

    def __init__(self, sheet, rows):
        self.sheet = sheet
        self.row = rows  # rows written so far
        self.charts = []

    def _cell(self, value, number_format=None, bold=False):
        cell = WriteOnlyCell(self.sheet, value=suppressed_label() if value is None else value)
        if number_format and value is not None:
            cell.number_format = number_format
        if bold:
            cell.font = Font(bold=True)
        return cell_guard(cell)

    def table(self, title, header, rows, formats=()):
        """Write a titled table; returns (first data row, last data row, header row)."""
        self.sheet.append([self._cell(title, bold=True)])
        self.sheet.append([self._cell(value, bold=True) for value in header])
        self.row += 2
        header_row = self.row
        for values in rows:
            formatted = zip(values, [*formats, *[None] * (len(values) - len(formats))])
            self.sheet.append([self._cell(value, number_format) for value, number_format in formatted])
            self.row += 1
        return header_row + 1, self.row, header_row

    def place(self, chart, top, last):
        """Anchor ``chart`` beside the table starting at row ``top`` (its title row), and leave room below it."""
        self.sheet.add_chart(chart, f"{CHART_COLUMN}{top}")
        self.charts.append(chart)
        room = top + CHART_ROWS - last
        for _blank in range(max(room, 1)):
            self.sheet.append([])
            self.row += 1


def _bar(title, *, horizontal=True, stacked=False, y_title=None):
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = str(title)[:250]
    chart.style = 10
    chart.legend.position = "b"
    if horizontal:
        chart.y_axis.scaling.orientation = "minMax"
        chart.x_axis.scaling.orientation = "maxMin"  # first label on top, as in the table
    if stacked:
        chart.grouping, chart.overlap = "percentStacked", 100
    if y_title:
        chart.y_axis.title = str(y_title)
    chart.y_axis.delete = chart.x_axis.delete = False
    return chart


def _series(chart, sheet, first, last, header_row, columns, categories_column=1):
    data = Reference(sheet, min_col=columns[0], max_col=columns[-1], min_row=header_row, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=categories_column, min_row=first, max_row=last))


def funnel(sheet, report):
    top = sheet.row + 1
    rows = [[str(STEP_LABELS[key]), report.funnel.counts[key]] for key in STEP_KEYS]
    first, last, header = sheet.table(_("Entonnoir"), [_("Étape"), _("Nombre")], rows)
    chart = _bar(_("Entonnoir : %(label)s") % {"label": report.funnel.label})
    _series(chart, sheet.sheet, first, last, header, [2])
    chart.legend = None
    sheet.place(chart, top, last)


def rate_bars(sheet, report):
    top = sheet.row + 1
    rows = [[str(rate.label), report.funnel.rates[rate.key], rate.reference or None] for rate in RATES]
    first, last, header = sheet.table(
        _("Taux"), [_("Taux"), _("Valeur"), _("Repère d'une bonne consultation")], rows, (None, PERCENT, PERCENT)
    )
    chart = _bar(_("Taux et repères d'une bonne consultation"))
    _series(chart, sheet.sheet, first, last, header, [2, 3])
    chart.x_axis.number_format = PERCENT
    sheet.place(chart, top, last)


def _day_lines(sheet, title, header, rows, chart_title):
    top = sheet.row + 1
    formats = (DATE,) + (None,) * (len(header) - 1)
    first, last, header_row = sheet.table(title, header, rows, formats)
    if not rows:  # no day yet: the table says so, and no empty chart is drawn
        sheet.sheet.append([_("Pas encore de données")])
        sheet.sheet.append([])
        sheet.row += 2
        return
    chart = LineChart()
    chart.title = str(chart_title)
    chart.style = 12
    chart.legend.position = "b"
    chart.x_axis.number_format = "DD/MM"
    chart.y_axis.delete = chart.x_axis.delete = False
    _series(chart, sheet.sheet, first, last, header_row, list(range(2, len(header) + 1)))
    sheet.place(chart, top, last)


def timeline(sheet, report):
    names = {"opened": _("Ouvertures"), "answered": _("Réponses")}
    keys = [key for key in TIMELINE if key in DAILY_KEYS]
    rows = [[day["day"], *(day.get(key) for key in keys)] for day in report.days]
    header = [_("Jour"), *(names[key] for key in keys)]
    _day_lines(sheet, _("Par jour"), header, rows, _("Ouvertures et réponses par jour"))


def votes(sheet, report):
    rows = [[line["day"], line["votes"]] for line in report.votes_by_day]
    _day_lines(sheet, _("Votes par jour"), [_("Jour"), _("Votes")], rows, _("Votes par jour"))


def question(sheet, result):
    """A question's chart beside its table: distribution (bars), matrix (stacked bars), ranking (bars);
    nothing for a question answered by too few, or without figures to draw (texts, dates)."""
    if result.suppressed:
        return
    q = result.question
    title = f"{q.code} — {q.text()}"
    top = sheet.row + 1
    if result.ranking:
        rows = [[line["label"], line["average"]] for line in result.ranking]
        first, last, header = sheet.table(title, [_("Choix"), _("Position moyenne")], rows, (None, "0.00"))
        chart = _bar(title, y_title=_("Position moyenne (1 : premier)"))
        _series(chart, sheet.sheet, first, last, header, [2])
    elif result.matrix:
        columns = list(result.matrix_columns)
        rows = [[line["label"], *(cell.share for cell in line["cells"])] for line in result.matrix]
        formats = (None,) + (PERCENT,) * len(columns)
        first, last, header = sheet.table(title, [_("Ligne"), *columns], rows, formats)
        chart = _bar(title, stacked=True)
        _series(chart, sheet.sheet, first, last, header, list(range(2, len(columns) + 2)))
    elif result.distribution:
        rows = [[cell.label, cell.count, cell.share] for cell in result.distribution]
        first, last, header = sheet.table(title, [_("Réponse"), _("Nombre"), _("Part")], rows, (None, None, PERCENT))
        chart = _bar(title)
        _series(chart, sheet.sheet, first, last, header, [2])
        chart.legend = None
    else:
        return
    sheet.place(chart, top, last)


def charts_write(worksheet, rows, report):
    """Below the ``rows`` rows of the write-only ``worksheet`` (the summary), a "Graphiques" section: every
    chart of the report beside its table. Returns the ChartSheet (its ``charts``)."""
    sheet = ChartSheet(worksheet, rows)
    worksheet.append([])
    worksheet.append([WriteOnlyCell(worksheet, value=_("Graphiques"))])
    worksheet.append([])
    sheet.row += 3
    funnel(sheet, report)
    rate_bars(sheet, report)
    timeline(sheet, report)
    for result in report.questions:
        question(sheet, result)
    if report.has_board:
        votes(sheet, report)
    return sheet
