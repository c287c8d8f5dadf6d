"""Complementary suppression over additive relations: *iterated smallest-cell complementary suppression*.

A ``Grid`` holds counts (cells) under keys and the relations between them (``total = sum(parts)``). Cells under
the threshold are withheld first (primary suppression); then, until nothing changes, every relation is made
safe:

- total shown: its withheld parts must be none, or at least two that sum to k or more (a sum of 0 is safe:
  it reveals that no one is there), otherwise the smallest shown part is withheld too (the total itself if
  no part is left);
- total withheld: if every part shows, the total would be their sum, so the smallest part is withheld.

A *hidden* cell is a count no one is shown but an analyst can compute, e.g. "invited but did not open" =
invited − opened (``nested``): it needs protection only when it is 1 to k − 1. A *fixed* cell keeps the state
another figure gave it (the campaign's own funnel, shown on its own page, stays as it is when its regions are
laid out against it), so the same figure never shows two ways.
"""

from dataclasses import dataclass

from campaigns.privacy import is_shown, threshold


@dataclass
class Cell:
    value: int
    withheld: bool = False
    hidden: bool = False  # a difference no one is shown
    fixed: bool = False  # its state comes from another figure

    def needs_cover(self, k):
        """Whether, withheld, it must not be recoverable."""
        if not self.withheld or not self.value:
            return False
        return not self.hidden or self.value < k


class Grid:
    def __init__(self):
        self.cells = {}
        self.relations = []
        self._hidden = 0

    def add(self, key, value, *, withheld=None):
        """A count under ``key``; ``withheld`` True or False fixes its state (decided by another figure), None
        lets the grid decide (withheld under the threshold, and as complementary suppression requires)."""
        value = value or 0
        if withheld is None:
            self.cells[key] = Cell(value, withheld=not is_shown(value))
        else:
            self.cells[key] = Cell(value, withheld=withheld, fixed=True)
        return key

    def relation(self, total, parts):
        """``total`` = the sum of ``parts`` (keys of cells already added)."""
        if parts:
            self.relations.append((total, list(parts)))

    def nested(self, parent, child):
        """``child`` counts a subset of ``parent``'s people: their difference is a hidden cell of the relation."""
        self._hidden += 1
        difference = ("hidden", self._hidden)
        value = abs(self.cells[parent].value - self.cells[child].value)
        self.cells[difference] = Cell(value, withheld=True, hidden=True, fixed=True)
        self.relation(parent, [child, difference])

    def protect(self):
        """Withhold cells until every relation is safe; returns self."""
        if threshold() <= 1:
            for cell in self.cells.values():
                cell.withheld = cell.hidden
            return self
        changed = True
        while changed:
            changed = False
            for total, parts in self.relations:
                changed = self._secure(total, parts) or changed
        return self

    def _secure(self, total, parts):
        k = threshold()
        head, members = self.cells[total], [self.cells[key] for key in parts]
        withheld = [cell for cell in members if cell.withheld]
        if head.withheld:
            if head.needs_cover(k) and not withheld:
                return self._withhold_smallest(members)
            return False
        if not any(cell.needs_cover(k) for cell in withheld):
            return False
        covered = sum(cell.value for cell in withheld)
        if len(withheld) >= 2 and (covered >= k or covered == 0):
            return False
        return self._withhold_smallest(members) or self._withhold_smallest([head])

    @staticmethod
    def _withhold_smallest(cells):
        candidates = [cell for cell in cells if not cell.withheld and not cell.fixed]
        if not candidates:
            return False
        min(candidates, key=lambda cell: cell.value).withheld = True
        return True

    def shown(self, key):
        """The cell's count, or None when withheld."""
        cell = self.cells[key]
        return None if cell.withheld else cell.value

    def is_withheld(self, key):
        return self.cells[key].withheld
