"""What the free-text answers of a campaign's survey say: sentiment, themes and pain points (the most negative
themes first), with a few example quotes.

Privacy (``campaigns.privacy``): a theme written by fewer than k authors is not shown on its own (its texts count
in "other themes" only); quotes are scrubbed of personal data and given only for themes of at least k authors;
the sentiment counts are withheld under k like every count of people.

Sentiment as the ``reports: listening`` schedule stored it (``reports.listening.batch``), computed here for
texts it has not reached yet; themes fitted when asked, over the latest ``LIMIT`` texts (about a second), and
kept in the cache until a new text arrives or ``CACHE_SECONDS`` pass.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max

from campaigns.privacy import is_shown, shown, threshold
from reports.listening.batch import TEXT_KINDS
from reports.listening.scrub import scrub
from reports.listening.sentiment import LABELS, NEGATIVE, Sentiment, sentiment
from reports.listening.themes import themes_fit

LIMIT = 2_000
QUOTES = 3
CACHE_SECONDS = 15 * 60


@dataclass
class ThemeRow:
    name: str
    authors: int
    score: float  # mean sentiment score of its texts, -1 to 1
    negative_share: float
    quotes: list = field(default_factory=list)  # scrubbed, the most negative first


@dataclass
class Listening:
    texts: int
    sentiments: dict  # {label: count or None when withheld}
    themes: list  # [ThemeRow], the most negative first
    hidden_themes: int  # themes not shown, written by fewer than k authors


def free_texts(survey):
    from surveys.models import Answer

    return Answer.objects.filter(
        response__survey=survey, response__submitted_at__isnull=False, question__kind__in=TEXT_KINDS
    ).exclude(text="")


def texts_read(answers, limit):
    """[(response id, text, first name, last name, sentiment, score)] of these free texts, the latest first
    (sentiment and score as the schedule stored them, None when it has not come by yet)."""
    return list(
        answers.order_by("-response__submitted_at", "-pk").values_list(
            "response_id",
            "text",
            "response__invitation__ambassador__first_name",
            "response__invitation__ambassador__last_name",
            "analysis__sentiment",
            "analysis__score",
        )[:limit]
    )


def theme_rows(rows, themes, feelings):
    grouped = defaultdict(list)
    for row, theme, feeling in zip(rows, themes, feelings):
        if theme:
            grouped[theme].append((row, feeling))
    shown_rows, hidden = [], 0
    for name, members in grouped.items():
        authors = len({row[0] for row, _ in members})
        if not is_shown(authors):
            hidden += 1
            continue
        members.sort(key=lambda member: member[1].score)
        quotes = [scrub(row[1], names=row[2:4]) for row, _ in members[:QUOTES]]
        negative = sum(feeling.label == NEGATIVE for _, feeling in members)
        score = sum(feeling.score for _, feeling in members) / len(members)
        shown_rows.append(ThemeRow(name, authors, round(score, 2), negative / len(members), quotes))
    shown_rows.sort(key=lambda theme: theme.score)
    return shown_rows, hidden


def campaign_listening(survey, limit=LIMIT):
    """The Listening of a survey's free texts, or None when it has none (from the cache while no text arrives)."""
    answers = free_texts(survey)
    state = answers.aggregate(count=Count("pk"), last=Max("pk"))
    key = f"listening:{survey.pk}:{state['count']}:{state['last']}:{threshold()}:{limit}"
    return cache.get_or_set(key, lambda: listening_compute(answers, limit), CACHE_SECONDS)


def listening_compute(answers, limit):
    rows = texts_read(answers, limit)
    if not rows:
        return None
    texts = [row[1] for row in rows]
    feelings = [Sentiment(row[4], row[5]) if row[4] else sentiment(row[1]) for row in rows]
    themes = themes_fit(texts).assign(texts)
    authors = defaultdict(set)
    for row, feeling in zip(rows, feelings):
        authors[feeling.label].add(row[0])
    sentiments = {label: shown(len(authors[label])) for label in LABELS}
    theme_list, hidden = theme_rows(rows, themes, feelings)
    return Listening(texts=len(rows), sentiments=sentiments, themes=theme_list, hidden_themes=hidden)
