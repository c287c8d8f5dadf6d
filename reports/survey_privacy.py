"""A question's figures through the privacy layer (``campaigns.privacy``), once its type has summarised it.

The counts of a distribution add up to the question's respondents (one answer each: single choice, yes/no,
scale, NPS, Likert), or are each a part of them (multiple choice: "respondents who did not pick it" is a
hidden difference); NPS groups add up to the respondents and are sums of the points; a matrix row's cells add
up to the row's respondents, a part of the question's; a ranked item's "first" counts are part of its
"ranked". Cells are withheld by ``campaigns.privacy.suppression`` over those relations, shares with them, then
each statistic is kept only where ``campaigns.privacy.statistics`` says it gives nothing back.
"""

from campaigns.privacy import threshold
from campaigns.privacy.statistics import extreme, is_safe
from campaigns.privacy.suppression import Grid
from surveys.types.summary import Cell, number_pairs, share


def protect(result, tallies):
    """Withhold what must be in ``result`` (a ``reports.survey_stats.QuestionResult`` of a question answered by
    at least k), in place."""
    if threshold() <= 1:
        return
    total = tallies.respondents
    if result.distribution:
        cells = _distribution(result, total, partition=result.kind != "multiple")
        _statistics(result, cells, tallies)
    if result.matrix:
        _matrix(result, tallies)
    if result.ranking:
        _ranking(result, total)
    if result.table and result.kind == "multiple_numeric":
        _items(result, total)
    if result.kind == "date":
        result.low = result.high = None  # one person's answer each, and no count of who gave it
    elif result.low is not None and not result.distribution:
        pairs = number_pairs(tallies)
        result.low, result.high = extreme(pairs), extreme(pairs, highest=True)


def _distribution(result, total, *, partition):
    """Protect the distribution's cells (and the NPS groups); returns [(position, raw count, withheld)]."""
    grid = Grid()
    grid.add("total", total, withheld=False)
    keys = [grid.add(("cell", index), line.count) for index, line in enumerate(result.distribution)]
    if partition:
        grid.relation("total", keys)
    else:
        for key in keys:
            grid.nested("total", key)
    groups = _nps_groups(grid, result) if result.nps else {}
    grid.protect()
    raw = [
        (index, line.count or 0, grid.is_withheld(key))
        for index, (line, key) in enumerate(zip(result.distribution, keys))
    ]
    result.distribution = [
        Cell(line.label, line.code, grid.shown(key), share(grid.shown(key), total))
        for line, key in zip(result.distribution, keys)
    ]
    if result.nps:
        for name, key in groups.items():
            result.nps[name] = grid.shown(key)
            result.nps[f"{name}_share"] = share(grid.shown(key), total)
        if result.nps["promoters"] is None or result.nps["detractors"] is None:
            result.nps["score"] = None
    return raw


def _nps_groups(grid, result):
    """Promoters (9-10), passives (7-8), detractors (0-6) as sums of the points' cells."""
    members = {"promoters": [], "passives": [], "detractors": []}
    for index, line in enumerate(result.distribution):
        value = float(line.code)
        name = "promoters" if value >= 9 else "passives" if value >= 7 else "detractors"
        members[name].append(("cell", index))
    groups = {}
    for name, keys in members.items():
        groups[name] = grid.add(("nps", name), sum(grid.cells[key].value for key in keys))
        grid.relation(groups[name], keys)
    grid.relation("total", list(groups.values()))
    return groups


def _statistics(result, cells, tallies):
    """Mean, median and top-two-box only when they give no withheld cell back; ends of the range only when the
    cell holding them shows."""
    if not is_safe(cells):
        result.mean = result.median = None
    last = len(cells) - 2
    if result.top_two_box is not None and not is_safe(cells, weight=lambda index: index >= last):
        result.top_two_box = None
    if result.low is not None or result.high is not None:
        shown_codes = {str(line.code) for line in result.distribution if line.count is not None}
        pairs = number_pairs(tallies)
        low, high = extreme(pairs), extreme(pairs, highest=True)
        result.low = low if low is not None and _code(low) in shown_codes else None
        result.high = high if high is not None and _code(high) in shown_codes else None


def _code(value):
    value = float(value)
    return str(int(value)) if value == int(value) else str(value)


def _matrix(result, tallies):
    """Each row's cells against the row's respondents, each row's respondents against the question's."""
    rows = list(result.question.rows.all())
    grid = Grid()
    grid.add("total", tallies.respondents, withheld=False)
    for row, line in zip(rows, result.matrix):
        answered = tallies.row_respondents.get(row.pk, 0)
        grid.add(("row", row.pk), answered)
        grid.nested("total", ("row", row.pk))
        keys = [grid.add(("cell", row.pk, index), cell.count) for index, cell in enumerate(line["cells"])]
        grid.relation(("row", row.pk), keys)
    grid.protect()
    for row, line in zip(rows, result.matrix):
        raw = [
            (index, cell.count or 0, grid.is_withheld(("cell", row.pk, index)))
            for index, cell in enumerate(line["cells"])
        ]
        answered = grid.shown(("row", row.pk))
        line["respondents"] = answered
        line["cells"] = [
            Cell(
                cell.label,
                cell.code,
                grid.shown(("cell", row.pk, index)),
                share(grid.shown(("cell", row.pk, index)), answered),
            )
            for index, cell in enumerate(line["cells"])
        ]
        if answered is None or not is_safe(raw):
            line["mean"] = None


def _items(result, total):
    """Each item's count of answers against the respondents: "answered all items but one" is a group too."""
    grid = Grid()
    grid.add("total", total, withheld=False)
    lines = [line for line in result.table["rows"] if isinstance(line["cells"][0], int)]
    for index, line in enumerate(lines):
        grid.add(index, line["cells"][0])
        grid.nested("total", index)
    grid.protect()
    for index, line in enumerate(lines):
        if grid.is_withheld(index):
            line["cells"] = [None] * len(line["cells"])


def _ranking(result, total):
    """Each item's "ranked" against the respondents, its "first" against its "ranked"."""
    grid = Grid()
    grid.add("total", total, withheld=False)
    for index, line in enumerate(result.ranking):
        grid.add(("ranked", index), line["ranked"])
        grid.add(("first", index), line["first"])
        grid.nested("total", ("ranked", index))
        grid.nested(("ranked", index), ("first", index))
    grid.protect()
    for index, line in enumerate(result.ranking):
        line["ranked"], line["first"] = grid.shown(("ranked", index)), grid.shown(("first", index))
        if line["ranked"] is None:
            line["average"] = None


def cross_tab_grid(*, total, row_totals, column_totals, counts, partition_rows, partition_columns, inside=()):
    """The cells of a cross-tabulation, protected. ``total``: the question's respondents; ``row_totals``
    {answer: (raw count, withheld as the question's own result shows it)}; ``column_totals`` {group: raw
    respondents}; ``counts`` {(group, answer): raw}. Columns split the respondents when ``partition_columns``
    (an attribute, its "not set" included), else each is a part of them (segments); an answer's cells add up
    to its total when ``partition_rows`` (one answer each), else each is a part of its column. ``inside``
    [(inner group, outer group)]: a group whose respondents are all in another's (two segments one rule apart),
    column against column and cell against cell."""
    grid = Grid()
    grid.add("total", total, withheld=False)
    for answer, (raw, withheld) in row_totals.items():
        grid.add(("answer", answer), raw, withheld=withheld)
    for group, raw in column_totals.items():
        grid.add(("group", group), raw)
        if not partition_columns:
            grid.nested("total", ("group", group))
    if partition_columns:
        grid.relation("total", [("group", group) for group in column_totals])
    for group in column_totals:
        keys = [grid.add(("cell", group, answer), counts.get((group, answer), 0)) for answer in row_totals]
        if partition_rows:
            grid.relation(("group", group), keys)
        else:
            for key in keys:
                grid.nested(("group", group), key)
    for answer in row_totals:
        keys = [("cell", group, answer) for group in column_totals]
        if partition_columns:
            grid.relation(("answer", answer), keys)
        else:
            for key in keys:
                grid.nested(("answer", answer), key)
    for inner, outer in inside:
        grid.nested(("group", outer), ("group", inner))
        for answer in row_totals:
            grid.nested(("cell", outer, answer), ("cell", inner, answer))
    return grid.protect()
