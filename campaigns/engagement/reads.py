"""What staff read of engagement: one ambassador's score, tier and history."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from campaigns.models import Ambassador, Campaign, EngagementHistory, EngagementScore, Tier

HISTORY_SHOWN = 20


@dataclass
class Engagement:
    score: float = 0
    tier: Tier | None = None
    last_activity_at: object = None
    tier_changed_at: object = None
    computed_at: object = None
    history: list = field(default_factory=list)


def lowest_tier():
    return Tier.objects.order_by("threshold").first()


def ambassador_engagement(ambassador_id, limit=HISTORY_SHOWN):
    """The ambassador's engagement (0 points and the lowest tier if they never took part) with the latest points
    of its history, newest first: three small queries."""
    score = EngagementScore.objects.select_related("tier").filter(ambassador_id=ambassador_id).first()
    history = list(EngagementHistory.objects.select_related("tier").filter(ambassador_id=ambassador_id)[:limit])
    if score is None:
        return Engagement(tier=lowest_tier(), history=history)
    return Engagement(
        score=score.score,
        tier=score.tier,
        last_activity_at=score.last_activity_at,
        tier_changed_at=score.tier_changed_at,
        computed_at=score.computed_at,
        history=history,
    )


def tier_counts():
    """{tier pk: ambassadors in it} over every ambassador whose data is kept (those without a score are in the
    lowest tier); one small query per table."""
    tiers = list(Tier.objects.values_list("pk", "threshold"))
    counts = {pk: 0 for pk, _threshold in tiers}
    rows = (
        EngagementScore.objects.filter(ambassador__erased_at__isnull=True)
        .values_list("tier")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for tier_id, count in rows:
        if tier_id in counts:
            counts[tier_id] += count
    if tiers:
        lowest = min(tiers, key=lambda tier: tier[1])[0]
        people = Ambassador.objects.filter(erased_at__isnull=True).count()
        counts[lowest] += people - sum(counts.values())
    return counts


# The score bands of the reports' distribution: (lowest score, highest score excluded or None).
SCORE_BANDS = [(0, 10), (10, 20), (20, 50), (50, 100), (100, 200), (200, None)]


def score_band_counts(bands=SCORE_BANDS):
    """[((low, high), ambassadors whose score is in the band)] over every ambassador whose data is kept; those
    without a score have 0 points. Two queries."""
    filters = {}
    for index, (low, high) in enumerate(bands):
        condition = Q(score__gte=low) if high is None else Q(score__gte=low, score__lt=high)
        filters[f"band{index}"] = Count("pk", filter=condition)
    counts = EngagementScore.objects.filter(ambassador__erased_at__isnull=True).aggregate(scored=Count("pk"), **filters)
    unscored = Ambassador.objects.filter(erased_at__isnull=True).count() - counts["scored"]
    result = [((low, high), counts[f"band{index}"]) for index, (low, high) in enumerate(bands)]
    if result:
        result[0] = (result[0][0], result[0][1] + unscored)
    return result


def programme_status(campaign_id, ambassador_id=None):
    """(the ambassador's tier or None without an ambassador, [the tiers the campaign is reserved to]) in one
    query over the tiers: what a campaign's pages show (the tier badge, early access)."""
    reserved = Campaign.reserved_tiers.through.objects.filter(campaign_id=campaign_id, tier_id=OuterRef("pk"))
    tiers = Tier.objects.annotate(reserved=Exists(reserved)).order_by("threshold")
    if ambassador_id is not None:
        tiers = tiers.annotate(
            mine=Exists(EngagementScore.objects.filter(ambassador_id=ambassador_id, tier=OuterRef("pk")))
        )
    tiers = list(tiers)
    mine = None
    if ambassador_id is not None and tiers:
        mine = next((tier for tier in tiers if tier.mine), tiers[0])
    return mine, [tier for tier in tiers if tier.reserved]
