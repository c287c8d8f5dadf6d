"""When a statistic of a group may be shown: over at least k ambassadors, and never when it would give back
a withheld cell.

A statistic over a distribution whose withheld cells are known only by their sum (the total minus the shown
cells) adds an equation: a mean weighs each cell by its value, so with two withheld cells it solves them. It
is shown only when the withheld cells hold no one (their sum is 0), or when it weighs them all alike (a
top-two-box whose withheld cells are all in the top two, or all outside). A minimum or maximum is the answer
of the people at the end of the range: shown only when at least k gave it.
"""

from campaigns.privacy import is_shown, threshold


def is_safe(cells, weight=None):
    """Whether a statistic of a distribution may be shown. ``cells`` are (value, count, withheld) of every
    cell; ``weight(value)`` how the statistic weighs a cell (None: each value its own weight, as a mean or a
    median does)."""
    if threshold() <= 1:
        return True
    if not is_shown(sum(count for _value, count, _withheld in cells)):
        return False
    withheld = [(value, count) for value, count, is_withheld in cells if is_withheld]
    if not sum(count for _value, count in withheld):
        return True
    if weight is None:
        return False
    return len({weight(value) for value, _count in withheld}) <= 1


def extreme(pairs, *, highest=False):
    """The smallest (or largest) of the values in ``pairs`` [(value, how many)], or None when fewer than k
    ambassadors gave it."""
    present = [(value, n) for value, n in pairs if value is not None and n]
    if not present:
        return None
    end = max(value for value, _n in present) if highest else min(value for value, _n in present)
    holders = sum(n for value, n in present if value == end)
    return end if is_shown(holders) else None
