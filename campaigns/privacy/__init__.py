"""The one privacy layer every figure about ambassadors passes before it reaches a person or a file: report
pages, charts, CSV and XLSX exports, the weekly email, the public results of a campaign, the admin's panels
and segment counts. k is ``settings.PRIVACY_THRESHOLD`` (5; 1 or less turns the layer off, for tests only).

- **Primary suppression** (``shown``, ``is_shown``): a count of fewer than k ambassadors is withheld, zero
  included, so a withheld cell never tells "nobody" from "someone".
- **Complementary suppression** (``suppression.Grid``): figures are laid out as cells tied by additive
  relations (a total and its parts: a row, a column, the campaign against its regions, a step of a funnel
  against the step before). The method is *iterated smallest-cell complementary suppression*: in every
  relation whose total is shown, the withheld parts must be none, or at least two summing to k or more (a
  part that is a hidden difference, such as "invited but did not answer", counts when it is 1 to k − 1);
  otherwise the smallest shown part of that relation is withheld too, and all relations are checked again
  until none changes. A total withheld while all its parts show gets its smallest part withheld.
- **Statistics** (``statistics``): mean, median, minimum, maximum, NPS score and top-two-box are given over
  groups of at least k only, and only when they cannot give back a withheld cell (``statistics.is_safe``).
- **Segment sizes** (``segment_counts``): exact for those who may read ambassadors' identities; otherwise
  "fewer than k" below k, and rounded to a multiple of k above.
"""

from django.conf import settings

__all__ = ["is_shown", "shown", "threshold"]


def threshold():
    """k: the smallest group figures may be shown about (1: every figure is shown)."""
    return max(int(settings.PRIVACY_THRESHOLD), 1)


def is_shown(count):
    """Whether a count of ``count`` ambassadors may be shown on its own (primary suppression). Zero is withheld
    as well: a withheld cell must not tell "no one" from "someone"."""
    k = threshold()
    return k <= 1 or (count or 0) >= k


def shown(count):
    """``count`` when it may be shown, else None (displayed as withheld)."""
    return count if is_shown(count) else None
