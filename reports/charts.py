"""Charts of a report as PNG bytes, drawn by matplotlib on its Agg backend (no display, safe in threads: each
chart is its own ``Figure``, pyplot's global state is never used). Texts in DejaVu Sans, which every install
of matplotlib carries. Suppressed figures (None) are drawn as nothing and labelled "—"."""

import io

import matplotlib

matplotlib.use("Agg")

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import num2date
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from reports.rates import RATES, STEP_KEYS, STEP_LABELS

FONT = {"font.family": "DejaVu Sans", "font.size": 9}
BLUE, GREEN, GREY, ORANGE, RED = "#1f5f99", "#2e7d32", "#9e9e9e", "#ef6c00", "#c62828"
SUPPRESSED = "—"
DPI = 100


def _png(figure):
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return buffer.getvalue()


def _figure(width=7.0, height=3.5):
    with matplotlib.rc_context(FONT):
        figure = Figure(figsize=(width, height), dpi=DPI)
        return figure, figure.add_subplot()


def _wrap(text, width=40):
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _label_bars(axes, bars, labels):
    for bar, label in zip(bars, labels):
        axes.annotate(
            label,
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )


def _count_label(value):
    """A count in the active language's format (« 1 234 » in French, "1,234" in English)."""
    return SUPPRESSED if value is None else number_format(value, force_grouping=True)


def _percent(value):
    """A share as the report's tables write it (``reports.templatetags.report_tags.percent``): « 4,1 % »."""
    return SUPPRESSED if value is None else f"{number_format(round(100 * value, 1), 1)}\u00a0%"


def _number_axis(axis, digits=0):
    """Tick labels of ``axis`` in the active language's number format."""
    axis.set_major_formatter(FuncFormatter(lambda value, _position: number_format(round(value, digits), digits)))


def period_label(row):
    """« 2 décembre » for a day, « 2 décembre – 4 décembre » for a period (``reports.rates.funnel_by_day``)."""
    first = date_format(row["day"], "j F")
    until = row.get("until") or row["day"]
    return first if until == row["day"] else f"{first} – {date_format(until, 'j F')}"


def horizontal_bars(title, labels, values, *, annotations=None, color=BLUE, xlabel=""):
    """A horizontal bar chart, first label on top; None values drawn empty."""
    with matplotlib.rc_context(FONT):
        figure, axes = _figure(7.0, max(2.0, 0.35 * len(labels) + 1.0))
        positions = list(range(len(labels)))
        bars = axes.barh(positions, [value or 0 for value in values], color=color)
        axes.set_yticks(positions, [_wrap(label) for label in labels])
        axes.invert_yaxis()
        axes.set_title(_wrap(title, 80), loc="left", fontsize=10)
        axes.set_xlabel(xlabel)
        axes.spines[["top", "right"]].set_visible(False)
        top = max([value or 0 for value in values] + [1])
        axes.set_xlim(0, top * 1.2)
        _number_axis(axes.xaxis, 0 if all(isinstance(value, int) for value in values if value is not None) else 1)
        _label_bars(axes, bars, annotations or [_count_label(value) for value in values])
        return _png(figure)


def funnel_chart(row):
    """The funnel of a ``reports.rates.FunnelRow``: one bar per step."""
    labels = [str(STEP_LABELS[key]) for key in STEP_KEYS]
    return horizontal_bars(
        _("Entonnoir : %(label)s") % {"label": row.label}, labels, [row.counts[key] for key in STEP_KEYS], color=BLUE
    )


def rates_chart(row):
    """Rates of a funnel row against the reference lines of a good consultation (20 % opens, 10 % answers)."""
    with matplotlib.rc_context(FONT):
        figure, axes = _figure(7.0, 3.2)
        labels = [str(rate.label) for rate in RATES]
        values = [row.rates[rate.key] for rate in RATES]
        positions = list(range(len(labels)))
        bars = axes.barh(positions, [100 * (value or 0) for value in values], color=GREEN)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        for position, rate in enumerate(RATES):
            if rate.reference:
                axes.plot([100 * rate.reference] * 2, [position - 0.45, position + 0.45], color=RED, linewidth=2)
        axes.set_xlim(0, max([100 * (value or 0) for value in values] + [25]) * 1.2)
        _number_axis(axes.xaxis)
        axes.set_xlabel("%")
        axes.set_title(_("Taux (trait rouge : repère d'une bonne consultation)"), loc="left", fontsize=10)
        axes.spines[["top", "right"]].set_visible(False)
        _label_bars(axes, bars, [_percent(value) for value in values])
        return _png(figure)


def timeline_chart(days, series=(("opened", None), ("answered", None))):
    """Opens and answers per day or period (``reports.rates.funnel_by_day`` rows), as grouped bars with their
    figures; a withheld figure is drawn as no bar, labelled "—"."""
    with matplotlib.rc_context(FONT):
        figure, axes = _figure(7.0, 3.0)
        names = {"opened": _("Ouvertures"), "answered": _("Réponses"), "sent": _("Envois"), "clicked": _("Clics")}
        colors = {"opened": BLUE, "answered": GREEN, "sent": GREY, "clicked": ORANGE}
        positions = list(range(len(days)))
        width = 0.8 / max(len(series), 1)
        for index, (key, _label) in enumerate(series):
            values = [row.get(key) for row in days]
            shifted = [position + (index - (len(series) - 1) / 2) * width for position in positions]
            bars = axes.bar(
                shifted,
                [value or 0 for value in values],
                width=width,
                color=colors.get(key, BLUE),
                label=str(names.get(key, key)),
            )
            for bar, value in zip(bars, values):
                axes.annotate(
                    _count_label(value),
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    fontsize=7,
                )
        axes.set_title(_("Ouvertures et réponses par jour"), loc="left", fontsize=10)
        axes.spines[["top", "right"]].set_visible(False)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        _number_axis(axes.yaxis)
        axes.set_ylim(bottom=0)
        if days:
            axes.set_xticks(positions, [period_label(row) for row in days], rotation=30 if len(days) > 6 else 0)
            axes.legend(loc="upper right", frameon=False)
        else:
            axes.set_xticks([])
            axes.text(0.5, 0.5, _("Pas encore de données"), transform=axes.transAxes, ha="center", va="center")
        return _png(figure)


def question_chart(result):
    """The chart of one question's result (``reports.survey_stats.QuestionResult``), or None when there is
    nothing to draw (texts, dates); a question answered by too few is drawn with its figures withheld."""
    question = result.question
    title = f"{question.code} — {question.text()}"
    if result.suppressed:  # drawn, but with no figure: answered by too few
        return horizontal_bars(title, [_("Répondants")], [None], annotations=[SUPPRESSED])
    if result.ranking:
        return horizontal_bars(
            title,
            [line["label"] for line in result.ranking],
            [line["average"] for line in result.ranking],
            color=ORANGE,
            annotations=[
                SUPPRESSED if line["average"] is None else number_format(round(line["average"], 2), 2)
                for line in result.ranking
            ],
            xlabel=_("Position moyenne (1 : premier)"),
        )
    if result.matrix:
        return _matrix_chart(title, result)
    if result.distribution:
        return horizontal_bars(
            title,
            [cell.label for cell in result.distribution],
            [cell.count for cell in result.distribution],
            annotations=[f"{_count_label(cell.count)} ({_percent(cell.share)})" for cell in result.distribution],
        )
    return None


def _matrix_chart(title, result):
    """Stacked bars: one per matrix row, the shares of each column of the scale."""
    with matplotlib.rc_context(FONT):
        figure, axes = _figure(7.0, max(2.0, 0.45 * len(result.matrix) + 1.2))
        positions = list(range(len(result.matrix)))
        left = [0.0] * len(result.matrix)
        palette = matplotlib.colormaps["Blues"]
        columns = result.matrix_columns
        for index, column in enumerate(columns):
            shares = [100 * (line["cells"][index].share or 0) for line in result.matrix]
            axes.barh(
                positions,
                shares,
                left=left,
                color=palette(0.3 + 0.6 * index / max(1, len(columns) - 1)),
                label=_wrap(column, 25),
            )
            left = [a + b for a, b in zip(left, shares)]
        axes.set_yticks(positions, [_wrap(line["label"]) for line in result.matrix])
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_xlabel("%")
        axes.set_title(_wrap(title, 80), loc="left", fontsize=10)
        axes.legend(
            loc="lower center", bbox_to_anchor=(0.5, -0.6), ncol=min(5, len(columns)), frameon=False, fontsize=7
        )
        return _png(figure)


def _axis_date(value):
    return date_format(num2date(value).date(), "j F")


def votes_chart(days):
    """Votes per day (``reports.idea_stats.votes_by_day``)."""
    with matplotlib.rc_context(FONT):
        figure, axes = _figure(7.0, 2.6)
        dates = [row["day"] for row in days]
        axes.bar(dates, [row["votes"] or 0 for row in days], color=ORANGE)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        _number_axis(axes.yaxis)
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _position: _axis_date(value)))
        axes.set_title(_("Votes par jour"), loc="left", fontsize=10)
        axes.spines[["top", "right"]].set_visible(False)
        if not dates:
            axes.text(0.5, 0.5, _("Pas encore de votes"), transform=axes.transAxes, ha="center", va="center")
        figure.autofmt_xdate()
        return _png(figure)
