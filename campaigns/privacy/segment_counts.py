"""Segment sizes as each role may see them.

Those who may read ambassadors' identities (``campaigns.view_ambassador``) see exact counts: they can list the
members anyway. Everyone else sees "fewer than k" below k (zero included: an empty segment does not tell
itself from a segment of one), and above it the count rounded to the nearest multiple of k (rounding to a
base, as statistics offices publish tables): two segments differing by one rule, or one rule moved by a day,
show the same size unless their difference crosses a multiple of k, and then do not tell by how much.
"""

from django.utils.translation import gettext as _

from campaigns.privacy import is_shown, threshold


def may_read_identities(user):
    """Whether ``user`` may read who the ambassadors are, and so see exact counts of them."""
    return user is not None and user.has_perm("campaigns.view_ambassador")


def rounded(count):
    """``count`` rounded to the nearest multiple of k (never under k), or None under k."""
    k = threshold()
    if k <= 1:
        return count
    if not is_shown(count):
        return None
    return max(k, k * round(count / k))


def segment_size(count, user):
    """(count as shown or None, label) of a segment of ``count`` contactable ambassadors, for ``user``."""
    if may_read_identities(user) or threshold() <= 1:
        return count, _("%(count)s ambassadeurs contactables") % {"count": f"{count:,}".replace(",", "\u202f")}
    shown = rounded(count)
    if shown is None:
        return None, _("Moins de %(k)s ambassadeurs contactables") % {"k": threshold()}
    return shown, _("Environ %(count)s ambassadeurs contactables") % {"count": f"{shown:,}".replace(",", "\u202f")}
