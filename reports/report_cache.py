"""A campaign's report and its charts, computed once and kept in the cache for a short while: the report page
and its charts then answer from the cache (under a second at a million invitations, ``bench/report.py``).

The key holds what changes the figures as they are shown: the campaign's state and last change, the language,
the privacy threshold. Figures that move with the ambassadors (opens, answers) are at most
``REPORT_CACHE_SECONDS`` old; the page says when they were computed."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from reports import charts, exports
from reports.listening.campaign_listening import campaign_listening
from reports.question_stats import answers_by_rating, questions_by_votes
from reports.report import campaign_report


@dataclass
class Cached:
    report: object  # reports.report.Report
    computed_at: object  # datetime


def _key(campaign, what):
    stamp = f"{campaign.status}:{campaign.updated_at.timestamp() if campaign.updated_at else 0}"
    return f"report:{campaign.pk}:{stamp}:{get_language()}:{settings.PRIVACY_THRESHOLD}:{what}"


def cached_report(campaign):
    """The campaign's report (``reports.report.campaign_report``), from the cache when fresh enough."""
    key = _key(campaign, "report")
    found = cache.get(key)
    if found is None:
        found = Cached(report=campaign_report(campaign), computed_at=timezone.now())
        cache.set(key, found, settings.REPORT_CACHE_SECONDS)
    return found


def cached_page_figures(campaign, *, identities):
    """What the report page shows beside the report, from the cache too (a further view then runs no query that
    grows with the campaign): the tables it exports (those ``identities`` may see), the board's questions by votes
    and answers by rating, the listening of the campaign's free texts (answers, ideas, comments)."""
    key = _key(campaign, f"page:{int(bool(identities))}")
    found = cache.get(key)
    if found is None:
        report = cached_report(campaign).report
        listening = campaign_listening(campaign)
        found = {
            "tables": list(exports.tables(campaign, identities=identities, listening=listening)),
            "questions": questions_by_votes(campaign) if report.has_board else [],
            "answers": answers_by_rating(campaign) if report.has_board else [],
            "listening": listening,
        }
        cache.set(key, found, settings.REPORT_CACHE_SECONDS)
    return found


def cached_chart(campaign, name):
    """One chart of the report as PNG bytes, drawn once from the cached report; None when there is no such chart."""
    key = _key(campaign, f"chart:{name}")
    png = cache.get(key)
    if png is None:
        report = cached_report(campaign).report
        png = _draw(report, name)
        if png is None:
            return None
        cache.set(key, png, settings.REPORT_CACHE_SECONDS)
    return png


def _draw(report, name):
    if name == "funnel":
        return charts.funnel_chart(report.funnel)
    if name == "rates":
        return charts.rates_chart(report.funnel)
    if name == "timeline":
        return charts.timeline_chart(report.days)
    if name == "votes":
        return charts.votes_chart(report.votes_by_day) if report.has_board else None
    if name.startswith("question-") and name[9:].isdigit():
        return report_charts_one(report, int(name[9:]))
    return None


def report_charts_one(report, question_pk):
    for result in report.questions:
        if result.question.pk == question_pk:
            return charts.question_chart(result)  # answered by too few: drawn without its figures
    return None
