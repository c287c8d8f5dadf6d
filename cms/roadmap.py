"""The "you said, we did" roadmap: the published ideas the bank planned, started and delivered, each with its
latest official answer and vote count, read live from the ideas (one query per column, on the idea_roadmap
index)."""

from django.db.models import OuterRef, Subquery

from campaigns.models import Campaign
from ideas.models import ADOPTED, Idea, Moderation, StatusChange

COLUMNS = ADOPTED


def roadmap_ideas(status, *, campaign=None, limit=30):
    """Published ideas in ``status`` of launched campaigns (or of ``campaign``), most supported first, with
    ``answer_fr``/``answer_en``: the official answer given when the idea reached its status."""
    answers = StatusChange.objects.filter(idea=OuterRef("pk"), to_status=OuterRef("status")).order_by(
        "-created_at", "-pk"
    )
    ideas = Idea.objects.filter(
        status=status,
        moderation=Moderation.APPROVED,
        merged_into__isnull=True,
        campaign__status__in=[Campaign.Status.LIVE, Campaign.Status.CLOSED],
    )
    if campaign is not None:
        ideas = ideas.filter(campaign=campaign)
    return list(
        ideas.select_related("campaign")
        .annotate(
            answer_fr=Subquery(answers.values("answer_fr")[:1]),
            answer_en=Subquery(answers.values("answer_en")[:1]),
            answered_at=Subquery(answers.values("created_at")[:1]),
        )
        .order_by("-vote_count", "-id")[:limit]
    )


def roadmap(*, campaign=None, limit=30):
    """[(status, label, ideas)] for the three columns."""
    return [(status, status.label, roadmap_ideas(status, campaign=campaign, limit=limit)) for status in COLUMNS]


def roadmap_changes(*, limit=30):
    """The latest steps of published ideas onto the roadmap, newest first (the roadmap feed)."""
    return list(
        StatusChange.objects.filter(
            to_status__in=COLUMNS,
            idea__moderation=Moderation.APPROVED,
            idea__merged_into__isnull=True,
            idea__campaign__status__in=[Campaign.Status.LIVE, Campaign.Status.CLOSED],
        )
        .select_related("idea__campaign")
        .order_by("-created_at", "-pk")[:limit]
    )
