"""The figures types summarise their answers with, under the privacy threshold of ``campaigns.privacy``: a
count of fewer ambassadors than the threshold is None (shown as suppressed), and so is its share; statistics
of a group (mean, median, score) are given only for groups large enough. ``reports.survey_stats`` runs the
queries and gives each type its ``Tallies``."""

from dataclasses import dataclass, field

from campaigns.privacy import is_shown, shown


@dataclass
class Tallies:
    """What the report's GROUP BY queries found for one question: its respondents, answer counts by row,
    choice and number, respondents per row, and the range of its dates."""

    respondents: int
    counts: list = field(default_factory=list)  # [(row id, choice id, number, n)]
    row_respondents: dict = field(default_factory=dict)  # row id -> respondents
    dates: dict | None = None  # {"low", "high"}


@dataclass
class Cell:
    """One line of a distribution: an answer, how many ambassadors gave it and their share of the respondents
    (None when suppressed)."""

    label: str
    code: str
    count: int | None
    share: float | None


def share(count, total):
    return count / total if count is not None and total else None


def cell(label, code, count, total):
    """A line of a distribution as counted: ``reports.survey_privacy`` withholds what must be before it is shown."""
    return Cell(str(label), str(code), count, share(count, total))


def weighted_median(pairs):
    """The median of values given as (value, how many times), sorted by value; None when empty."""
    pairs = sorted((float(value), n) for value, n in pairs if value is not None and n)
    total = sum(n for _value, n in pairs)
    if not total:
        return None

    def nth(index):  # the value at 0-based position ``index``
        seen = 0
        for value, n in pairs:
            seen += n
            if index < seen:
                return value

    if total % 2:
        return nth(total // 2)
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def weighted_mean(pairs):
    pairs = [(float(value), n) for value, n in pairs if value is not None and n]
    total = sum(n for _value, n in pairs)
    return sum(value * n for value, n in pairs) / total if total else None


def nps_figures(pairs, respondents):
    """Promoters (9-10), passives (7-8) and detractors (0-6): counts and shares, suppressed below the
    threshold, and the score (% promoters − % detractors, from −100 to 100; None without answers)."""
    promoters = sum(n for value, n in pairs if value is not None and value >= 9)
    passives = sum(n for value, n in pairs if value is not None and 7 <= value < 9)
    detractors = sum(n for value, n in pairs if value is not None and value < 7)
    total = promoters + passives + detractors
    figures = {"respondents": total}
    for name, count in (("promoters", promoters), ("passives", passives), ("detractors", detractors)):
        figures[name] = shown(count)
        figures[f"{name}_share"] = share(figures[name], total)
    figures["score"] = round(100 * (promoters - detractors) / total, 1) if total and is_shown(total) else None
    return figures


def top_two_box(pairs, points):
    """Share of the answers on the two highest points of a scale of ``points`` points (1 to ``points``)."""
    total = sum(n for _value, n in pairs)
    if not total or not points:
        return None
    return sum(n for value, n in pairs if value is not None and value >= points - 1) / total


def number_pairs(tallies):
    """(number, count) of the answers holding a number."""
    return [(number, n) for _row, _choice, number, n in tallies.counts if number is not None]
