"""The funnel's figures laid out for ``campaigns.privacy.suppression``: which counts add up to which.

In one row (the campaign, a segment, a region, a day) every step is a subset of the steps before it, so the
difference of two of them ("delivered but not opened") is a hidden cell of the relation; sent = delivered +
bounced. Across rows, the campaign's count of each step is the sum of its regions' (or age bands', or days'),
and a segment is a subset of the campaign (and of a segment holding it). The campaign's own row is decided
first, on its own, and stays as decided when its breakdowns are laid out against it, so the campaign's
figures are the same on every page and in every file.
"""

from campaigns.privacy import is_shown, threshold
from campaigns.privacy.suppression import Grid

# (larger, smaller): the smaller step counts a subset of the larger one's people
NESTED = [
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
]


def add_row(grid, row, counts, steps, *, fixed=None):
    """Cells (row, step) of one funnel row and the relations inside it; ``fixed`` {step: withheld} keeps the
    state another figure gave them."""
    for step in steps:
        grid.add((row, step), counts.get(step) or 0, withheld=None if fixed is None else fixed[(row, step)])
    if fixed is not None:
        return
    for larger, smaller in NESTED:
        if larger in steps and smaller in steps:
            grid.nested((row, larger), (row, smaller))
    if {"invited", "sent", "delivered", "bounced"} <= set(steps):
        for step in steps:
            if step != "invited":
                grid.nested((row, "invited"), (row, step))
        grid.relation((row, "sent"), [(row, "delivered"), (row, "bounced")])


def campaign_grid(counts, steps):
    """The campaign's row alone, protected."""
    grid = Grid()
    add_row(grid, "campaign", counts, steps)
    return grid.protect()


def with_campaign(counts, steps):
    """A grid holding the campaign's row as decided on its own, for breakdowns to be laid out against."""
    alone = campaign_grid(counts, steps)
    grid = Grid()
    add_row(grid, "campaign", counts, steps, fixed={key: cell.withheld for key, cell in alone.cells.items()})
    return grid


def partition(grid, rows, steps):
    """``rows`` split the campaign's people (each in one): per step, the campaign = the sum of the rows."""
    for step in steps:
        grid.relation(("campaign", step), [(row, step) for row in rows])


def subsets(grid, row, steps, within="campaign"):
    """``row``'s people are among ``within``'s: per step, the difference is a hidden cell."""
    for step in steps:
        grid.nested((within, step), (row, step))


def protected(grid, row, steps):
    """{step: count or None} of a row once the grid is protected."""
    return {step: grid.shown((row, step)) for step in steps}


# the names ``campaigns.sending.progress`` gives the funnel's steps
PROGRESS_STEPS = {"responded": "answered", "unsubscribed": "opted_out"}
FUNNEL_STEPS = [
    "invited",
    "sent",
    "delivered",
    "opened",
    "human_opened",
    "clicked",
    "human_clicked",
    "answered",
    "opted_out",
    "bounced",
]


def progress_as_seen(figures, user):
    """A campaign's progress figures (``campaigns.sending.progress``) for ``user``: as counted for those who may
    read ambassadors' identities, else through the layer (the funnel's steps protected together, the other
    counts withheld under k), a withheld figure given as "< k"."""
    from campaigns.privacy.segment_counts import may_read_identities

    if may_read_identities(user) or threshold() <= 1:
        return figures
    named = {PROGRESS_STEPS.get(name, name): value for name, value in figures.items()}
    steps = [step for step in FUNNEL_STEPS if step in named]
    grid = campaign_grid(named, steps)
    seen = {}
    for name, value in figures.items():
        step = PROGRESS_STEPS.get(name, name)
        if step in steps:
            seen[name] = grid.shown(("campaign", step))
        elif isinstance(value, int) and name != "percent_sent":
            seen[name] = value if is_shown(value) else None
        else:
            seen[name] = value
    return {name: withheld_label() if value is None else value for name, value in seen.items()}


def withheld_label():
    return f"< {threshold()}"
