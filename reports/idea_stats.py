"""Ideas of a campaign for its report: the ranking by votes, votes per day, ideas by status, top contributors.

Each read is one query (the leaderboard is the board's own, ``ideas.badges.leaderboard``: contributors who hid
themselves from leaderboards never appear). Vote counts per idea are public on the board; votes per day are
counts of ambassadors, suppressed below the privacy threshold like every such count."""

from datetime import timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from campaigns.privacy.suppression import Grid
from ideas.badges import leaderboard
from ideas.models import Idea, Moderation, Vote
from reports.listening.scrub import scrub
from reports.pseudonyms import pseudonym

RANKING_LIMIT = 20
AUTHOR_NAMES = ("author__first_name", "author__last_name")


def ranked_ideas(campaign, limit=RANKING_LIMIT):
    """Published ideas, not merged, by votes then newest: [{"id", "title", "status", "status_label", "votes",
    "comments", "category"}]."""
    labels = dict(Idea.Status.choices)
    rows = (
        Idea.objects.filter(campaign=campaign, moderation=Moderation.APPROVED, merged_into__isnull=True)
        .order_by("-vote_count", "-id")
        .values("id", "title", "status", "vote_count", "comment_count", "category__name_fr", *AUTHOR_NAMES)[:limit]
    )
    return [
        {
            "id": row["id"],
            "title": scrub(row["title"], names=[row[name] for name in AUTHOR_NAMES]),
            "status": row["status"],
            "status_label": str(labels[row["status"]]),
            "votes": row["vote_count"],
            "comments": row["comment_count"],
            "category": row["category__name_fr"] or "",
        }
        for row in rows
    ]


def votes_by_day(campaign):
    """[{"day", "votes"}] in date order (site time zone), every day from the first vote to the last; a day's
    count is withheld under the threshold, and so are others as needed so that the total of votes (public:
    the sum of the ideas' counts on the board) minus the shown days gives no day back."""
    counts = dict(
        Vote.objects.filter(idea__campaign=campaign)
        .values_list(TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .annotate(n=Count("pk"))
        .order_by()
    )
    if not counts:
        return []
    first, last = min(counts), max(counts)
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    grid = Grid()
    grid.add("total", sum(counts.values()), withheld=False)
    grid.relation("total", [grid.add(day, counts.get(day, 0)) for day in days])
    grid.protect()
    return [{"day": day, "votes": grid.shown(day)} for day in days]


def ideas_by_status(campaign):
    """[{"status", "label", "ideas"}] for every status, in the workflow's order (ideas, not people: no
    suppression)."""
    counts = dict(
        Idea.objects.filter(campaign=campaign, merged_into__isnull=True)
        .exclude(moderation__in=[Moderation.REJECTED, Moderation.HIDDEN])
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        {"status": status, "label": str(label), "ideas": counts.get(status, 0)} for status, label in Idea.Status.choices
    ]


def top_contributors(campaign, limit=10):
    """[{"name", "score"}] of the best contributors (3 per idea, 1 per comment, 1 per vote), each by their
    pseudonym in the campaign (reports go to analysts; the board itself shows their names); those who hid
    themselves from leaderboards left out."""
    return [
        {"name": pseudonym(campaign.pk, ambassador.pk), "score": score}
        for ambassador, score in leaderboard(campaign, limit)
    ]
