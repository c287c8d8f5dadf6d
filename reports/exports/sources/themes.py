"""The themes table: one row per theme of what the campaign's ambassadors wrote (``reports.listening``), the pain
points first, with its key terms, authors, sentiment, rank and weekly trend, and a few example quotes. Only themes
of at least k authors, their quotes scrubbed, their weeks protected: the same figures as the report page."""

from django.utils.translation import gettext as _

from reports.exports.sources import Table, suppressed_label
from reports.listening.campaign_listening import QUOTES


def trend_text(weeks):
    """'2026-W10 : 6 ; 2026-W11 : masqué (< 5)'."""
    withheld = suppressed_label()
    return " ; ".join(f"{week} : {withheld if authors is None else authors}" for week, authors in weeks)


def theme_cells(theme):
    quotes = [*theme.quotes, *[""] * QUOTES][:QUOTES]
    return [
        theme.rank,
        theme.name,
        ", ".join(theme.terms),
        theme.authors,
        theme.score,
        round(theme.negative_share, 3),
        trend_text(theme.weeks),
        *quotes,
    ]


def themes_table(listening):
    header = [
        _("Rang (points de douleur)"),
        _("Thème"),
        _("Mots clés"),
        _("Auteurs"),
        _("Sentiment moyen"),
        _("Part négative"),
        _("Tendance par semaine (auteurs)"),
        *[_("Exemple %(number)s") % {"number": number} for number in range(1, QUOTES + 1)],
    ]
    themes = listening.themes
    return Table("themes", _("Thèmes"), header, lambda: len(themes), lambda: (theme_cells(theme) for theme in themes))
