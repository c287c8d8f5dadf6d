"""The privacy threshold shared by everything that shows figures about ambassadors (reports, the public
results of a closed campaign): a figure about fewer than ``settings.PRIVACY_THRESHOLD`` ambassadors is
suppressed, so no one's answer can be singled out."""

from django.conf import settings


def is_shown(count):
    """Whether a group of ``count`` ambassadors is large enough for figures about it to be shown (an empty
    group shows as 0: it reveals no one)."""
    return count == 0 or count >= settings.PRIVACY_THRESHOLD


def shown(count):
    """``count`` when it may be shown, else None (displayed as suppressed)."""
    return count if is_shown(count) else None
