"""What a curious analyst does with the figures they are shown: subtract shown parts from a shown total,
subtract a step from the step before, look for a small count. Each function returns what it learned about a
group of 1 to k - 1 ambassadors (a description), or None when the attack fails."""

K = 5


def small(value):
    return value is not None and 0 < value < K


def by_difference(total, parts, where=""):
    """A shown total minus its shown parts: the exact value of a lone withheld part, or the size of a small
    group hidden among several."""
    if total is None or not parts:
        return None
    withheld = [index for index, part in enumerate(parts) if part is None]
    if not withheld:
        return None
    rest = total - sum(part for part in parts if part is not None)
    if len(withheld) == 1 and rest:
        return f"{where}: withheld part {withheld[0]} = {rest}"
    if small(rest):
        return f"{where}: {rest} among withheld parts {withheld}"
    return None


def by_nesting(larger, smaller, where=""):
    """A step and the step before it, both shown: the group in one and not in the other."""
    if larger is None or smaller is None:
        return None
    gap = abs(larger - smaller)
    return f"{where}: {gap} in one and not the other" if small(gap) else None


def small_counts(values, where=""):
    """A shown count of 1 to k - 1, or a shown 0 beside withheld cells (zero against small)."""
    found = [value for value in values if small(value) or value == 0]
    return f"{where}: shown {found}" if found else None


FUNNEL_NESTING = [
    ("invited", "sent"),
    ("sent", "delivered"),
    ("sent", "bounced"),
    ("delivered", "opened"),
    ("opened", "human_opened"),
    ("opened", "clicked"),
    ("clicked", "human_clicked"),
    ("delivered", "answered"),
    ("clicked", "answered"),
    ("delivered", "opted_out"),
] + [
    ("invited", step)
    for step in ("delivered", "opened", "human_opened", "clicked", "human_clicked", "answered", "opted_out")
]


def funnel_row(counts, where=""):
    """Every attack on one funnel row's counts ({step: count or None})."""
    found = [small_counts(counts.values(), where)]
    found += [by_nesting(counts.get(a), counts.get(b), f"{where} {a}-{b}") for a, b in FUNNEL_NESTING]
    found.append(by_difference(counts.get("sent"), [counts.get("delivered"), counts.get("bounced")], where))
    return [item for item in found if item]


def breakdown(total, rows, steps, where=""):
    """Every attack on a breakdown that adds up to ``total`` ({step: count}): differencing each step's column,
    and each row alone."""
    found = []
    for step in steps:
        found.append(by_difference(total.get(step), [row.get(step) for row in rows], f"{where} {step}"))
    for index, row in enumerate(rows):
        found += funnel_row(row, f"{where} row {index}")
    return [item for item in found if item]


def subsets(outer, inner, steps, where=""):
    """A group inside another (a segment in the campaign, a segment in a wider one): step by step, the people
    in one and not the other."""
    return [item for step in steps if (item := by_nesting(outer.get(step), inner.get(step), f"{where} {step}"))]
