"""Texts kept in French and English fields (``title_fr``, ``title_en``): the one for a language."""

from django.utils.translation import get_language

from campaigns.models import Locale
from campaigns.sending.emails import language_for

__all__ = ["invitation_language", "language_for", "localized"]


def localized(obj, field, locale=None):
    """``obj.<field>_<locale>`` (the active language when not given), or the French text when that one is empty:
    French is always written."""
    locale = (locale or get_language() or Locale.FR)[:2]
    return getattr(obj, f"{field}_{locale}", "") or getattr(obj, f"{field}_fr")


def invitation_language(invitation):
    """The language of everything an invited ambassador sees of the campaign: ``language_for`` its campaign."""
    return language_for(invitation.campaign, invitation.ambassador.locale)
