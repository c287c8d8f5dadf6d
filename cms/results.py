"""What a closed campaign's page shows of its outcome: summary figures only, in three aggregate queries, each
figure through the privacy layer (``campaigns.privacy``): withheld when it is about fewer ambassadors than the
privacy threshold, or when it would give such a figure back (participants from the invited)."""

from django.db.models import Count, Q, Sum

from campaigns.models import Invitation
from campaigns.privacy import shown
from campaigns.privacy.suppression import Grid
from ideas.models import Idea, Moderation

ADOPTED = [Idea.Status.PLANNED, Idea.Status.IN_PROGRESS, Idea.Status.DELIVERED]


def campaign_results(campaign, *, top=3):
    """{"invited", "participants", "participation_rate", "ideas", "votes", "adopted", "adopted_ideas"}: counts
    about too few ambassadors are None (shown as withheld), and so is the rate built on them."""
    people = (
        Invitation.objects.filter(campaign=campaign, withdrawn_at__isnull=True)
        .exclude(status=Invitation.Status.SKIPPED)
        .aggregate(invited=Count("id"), participants=Count("id", filter=Q(responded_at__isnull=False)))
    )
    published = Idea.objects.filter(campaign=campaign, moderation=Moderation.APPROVED, merged_into__isnull=True)
    ideas = published.aggregate(
        ideas=Count("id"),
        authors=Count("author", distinct=True),
        votes=Sum("vote_count"),
        adopted=Count("id", filter=Q(status__in=ADOPTED)),
    )
    grid = Grid()
    grid.add("invited", people["invited"])
    grid.add("participants", people["participants"])
    grid.nested("invited", "participants")  # "invited but did not take part" is a group too
    grid.protect()
    invited, participants = grid.shown("invited"), grid.shown("participants")
    enough_authors = shown(ideas["authors"]) is not None
    return {
        "invited": invited,
        "participants": participants,
        "participation_rate": round(100 * participants / invited) if invited and participants is not None else None,
        "ideas": ideas["ideas"] if enough_authors else None,
        "votes": shown(ideas["votes"] or 0),
        "adopted": ideas["adopted"] if enough_authors else None,
        "adopted_ideas": list(
            published.filter(status__in=ADOPTED)
            .order_by("-vote_count", "-id")
            .values("pk", "title", "status", "vote_count")[:top]
        ),
    }
