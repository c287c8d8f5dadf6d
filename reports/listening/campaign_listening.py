"""What a campaign's ambassadors write, everywhere they write it (its survey's free-text answers, its ideas and
their comments, ``campaign_texts``): sentiment, themes with pain points (the most negative themes first), their
trend by ISO week, and a few example quotes.

Privacy (``campaigns.privacy``): a theme written by fewer than k authors is not shown on its own (its texts count
in "other themes" only); quotes are scrubbed of personal data and given only for themes of at least k authors;
the sentiment counts and each source's authors are withheld under k like every count of people; a theme's weeks
are protected against its total (``trend``).

Sentiment as stored (``reports.listening.batch``, ``contributions``), computed here for texts not analysed yet;
themes fitted when asked, over the latest ``LIMIT`` texts (about a second), and kept in the cache until a new
text arrives or ``CACHE_SECONDS`` pass.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache

from campaigns.privacy import is_shown, shown, threshold
from reports.listening.campaign_texts import SOURCES, campaign_texts, sources_state
from reports.listening.scrub import scrub
from reports.listening.sentiment import LABELS, NEGATIVE, Sentiment, sentiment
from reports.listening.themes import themes_fit
from reports.listening.trend import theme_trend, weeks_span

LIMIT = 2_000
QUOTES = 3
CACHE_SECONDS = 15 * 60
TERMS_SEPARATOR = " / "


@dataclass
class ThemeRow:
    name: str
    authors: int
    score: float  # mean sentiment score of its texts, -1 to 1
    negative_share: float
    quotes: list = field(default_factory=list)  # scrubbed, the most negative first
    weeks: list = field(default_factory=list)  # [(ISO week, authors or None when withheld)]
    rank: int = 0  # as a pain point: 1 is the most negative theme

    @property
    def terms(self):
        return self.name.split(TERMS_SEPARATOR)


@dataclass
class Listening:
    texts: int
    sentiments: dict  # {label: count or None when withheld}
    themes: list  # [ThemeRow], the most negative first
    hidden_themes: int  # themes not shown, written by fewer than k authors
    sources: dict = field(default_factory=dict)  # {source: authors or None when withheld}
    weeks: list = field(default_factory=list)  # the ISO weeks of the trend, in order


def theme_row(name, members, weeks):
    """A shown theme from its members, (row, feeling) pairs."""
    members.sort(key=lambda member: member[1].score)
    authors = len({row[0] for row, _ in members})
    quotes = [scrub(row[1], names=row[2:4]) for row, _ in members[:QUOTES]]
    negative = sum(feeling.label == NEGATIVE for _, feeling in members)
    score = sum(feeling.score for _, feeling in members) / len(members)
    trend = theme_trend([(row[0], row[6]) for row, _ in members], weeks, authors)
    return ThemeRow(name, authors, round(score, 2), negative / len(members), quotes, trend)


def theme_rows(rows, themes, feelings, weeks=()):
    grouped = defaultdict(list)
    for row, theme, feeling in zip(rows, themes, feelings):
        if theme:
            grouped[theme].append((row, feeling))
    shown_rows, hidden = [], 0
    for name, members in grouped.items():
        if not is_shown(len({row[0] for row, _ in members})):
            hidden += 1
            continue
        shown_rows.append(theme_row(name, members, list(weeks)))
    shown_rows.sort(key=lambda theme: theme.score)
    for rank, theme in enumerate(shown_rows, start=1):
        theme.rank = rank
    return shown_rows, hidden


def campaign_listening(campaign, limit=LIMIT):
    """The Listening of a campaign's free texts, or None when it has none (from the cache while no text arrives)."""
    state = ":".join(str(figure) for figure in sources_state(campaign))
    key = f"listening:{campaign.pk}:{state}:{threshold()}:{limit}"
    return cache.get_or_set(key, lambda: listening_compute(campaign, limit), CACHE_SECONDS)


def authors_by(rows, feelings):
    """({sentiment label: authors shown or None}, {source: authors shown or None})."""
    by_label, by_source = defaultdict(set), defaultdict(set)
    for row, feeling in zip(rows, feelings):
        by_label[feeling.label].add(row[0])
        by_source[row[7]].add(row[0])
    return (
        {label: shown(len(by_label[label])) for label in LABELS},
        {source: shown(len(by_source[source])) for source in SOURCES if by_source[source]},
    )


def listening_compute(campaign, limit):
    rows = campaign_texts(campaign, limit)
    if not rows:
        return None
    texts = [row[1] for row in rows]
    feelings = [Sentiment(row[4], row[5]) if row[4] else sentiment(row[1]) for row in rows]
    themes = themes_fit(texts).assign(texts)
    weeks = weeks_span(row[6] for row in rows)
    sentiments, sources = authors_by(rows, feelings)
    theme_list, hidden = theme_rows(rows, themes, feelings, weeks)
    return Listening(len(rows), sentiments, theme_list, hidden, sources, weeks)
