"""Recognition: badges the system awards, and a campaign's leaderboard.

- first idea: an approved idea; first vote: a vote cast; idea adopted: one of their ideas planned or delivered
  (per campaign); top contributor: among the three highest scores of a campaign (score: 3 per approved idea,
  1 per approved comment, 1 per vote cast), at least 5 points; surveys answered: SURVEYS_FOR_BADGE answered
  invitations to survey campaigns.

``awards_grant`` checks one ambassador after they act (a few queries); ``awards_refresh`` checks everyone,
set-based, from a django-q2 schedule. An award is never given twice (unique keys)."""

from django.core.cache import cache
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from campaigns.models import Ambassador, Campaign, Invitation
from ideas.models import ADOPTED, Award, Comment, Contributor, Idea, Moderation, Vote

Badge = Award.Badge
SURVEYS_FOR_BADGE = 3
TOP_PLACES = 3
TOP_MIN_SCORE = 5
NO_CAMPAIGN = Value(None, output_field=IntegerField())
THIRD_PLACE_SECONDS = 600  # how long the third place's rank, as last read, spares reading the leaderboard


def _third_place_key(campaign):
    return f"ideas:third-place:{campaign.pk}"


def may_place(campaign, ambassador_id, score):
    """Whether ``score`` may bring the ambassador into the campaign's top places: not when the third place, as
    last read (``top_contributors_award``), ranks above it (a higher score, or the same held by an earlier
    ambassador, as the leaderboard orders them). Reading the leaderboard is a vote's dearest query, and in a
    burst every voter reaches TOP_MIN_SCORE: only those who may pass the third place read it. Scores only grow
    with contributions, so a rank read earlier is at most too low (the leaderboard read for nothing); a place
    won by a score that fell meanwhile (an idea rejected) waits for ``awards_refresh``'s schedule."""
    third = cache.get(_third_place_key(campaign))
    return third is None or (score, -ambassador_id) > tuple(third)


def _count(queryset, field="ambassador"):
    return Coalesce(
        Subquery(
            queryset.order_by().values(field).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
        Value(0),
    )


def leaderboard(campaign, limit=10):
    """[(ambassador, score)] of the campaign's best contributors, those who hid themselves left out."""
    ideas = Idea.objects.filter(campaign=campaign, moderation=Moderation.APPROVED, author=OuterRef("pk"))
    comments = Comment.objects.filter(idea__campaign=campaign, moderation=Moderation.APPROVED, author=OuterRef("pk"))
    votes = Vote.objects.filter(idea__campaign=campaign, ambassador=OuterRef("pk"))
    active = (
        Q(ideas__campaign=campaign) | Q(idea_comments__idea__campaign=campaign) | Q(idea_votes__idea__campaign=campaign)
    )
    candidates = (
        Ambassador.objects.filter(pk__in=Ambassador.objects.filter(active).values("pk"))
        .exclude(contributor__hide_from_leaderboards=True)
        .annotate(score=3 * _count(ideas, "author") + _count(comments, "author") + _count(votes))
        .filter(score__gt=0)
        .select_related("contributor")
        .order_by("-score", "pk")
    )
    return [(ambassador, ambassador.score) for ambassador in candidates[:limit]]


def _due(ambassador):
    """(badge, campaign or None) the ambassador has earned, from their activity: one query (two for an author of
    ideas, whose adopted ones are listed)."""
    facts = (
        Ambassador.objects.filter(pk=ambassador.pk)
        .annotate(
            approved_idea=Exists(Idea.objects.filter(author=OuterRef("pk"), moderation=Moderation.APPROVED)),
            any_idea=Exists(Idea.objects.filter(author=OuterRef("pk"))),
            voted=Exists(Vote.objects.filter(ambassador=OuterRef("pk"))),
            answered=_count(
                Invitation.objects.filter(
                    ambassador=OuterRef("pk"),
                    responded_at__isnull=False,
                    campaign__kind__in=[Campaign.Kind.SURVEY, Campaign.Kind.BOTH],
                )
            ),
        )
        .values("approved_idea", "any_idea", "voted", "answered")
        .order_by()
        .first()
    )
    if facts is None:
        return []
    due = []
    if facts["approved_idea"]:
        due.append((Badge.FIRST_IDEA, None))
    if facts["voted"]:
        due.append((Badge.FIRST_VOTE, None))
    if facts["any_idea"]:
        for campaign_id in (
            Idea.objects.filter(author=ambassador, status__in=ADOPTED).values_list("campaign_id", flat=True).distinct()
        ):
            due.append((Badge.IDEA_ADOPTED, campaign_id))
    if facts["answered"] >= SURVEYS_FOR_BADGE:
        due.append((Badge.SURVEYS_ANSWERED, None))
    return due


def score(campaign, ambassador):
    """The ambassador's score on the campaign's leaderboard (one query)."""
    ideas = Idea.objects.filter(campaign=campaign, moderation=Moderation.APPROVED, author=OuterRef("pk"))
    comments = Comment.objects.filter(idea__campaign=campaign, moderation=Moderation.APPROVED, author=OuterRef("pk"))
    votes = Vote.objects.filter(idea__campaign=campaign, ambassador=OuterRef("pk"))
    return (
        Ambassador.objects.filter(pk=ambassador.pk)
        .annotate(score=3 * _count(ideas, "author") + _count(comments, "author") + _count(votes))
        .values_list("score", flat=True)
        .order_by()
        .first()
        or 0
    )


def awards_grant(*, ambassador, campaign=None):
    """Award what the ambassador has earned (and, with ``campaign``, the campaign's top places when the
    ambassador's own contribution may have brought them there). Returns the badges newly given to them.

    An ambassador's action raises only their own score, so only they can have entered the top places: the
    campaign's leaderboard (a query over all its contributors, the dearest of a vote) is read only when their
    score reaches TOP_MIN_SCORE and they do not hold the place yet. Places won otherwise (a moderator approving
    an idea) are given by ``awards_refresh``'s schedule."""
    before = set(Award.objects.filter(ambassador=ambassador).values_list("badge", "campaign_id"))
    due = [item for item in _due(ambassador) if item not in before]
    Award.objects.bulk_create(
        [Award(ambassador=ambassador, badge=badge, campaign_id=campaign_id) for badge, campaign_id in due],
        ignore_conflicts=True,
    )
    if (
        campaign is not None
        and (Badge.TOP_CONTRIBUTOR, campaign.pk) not in before
        and (points := score(campaign, ambassador)) >= TOP_MIN_SCORE
        and may_place(campaign, ambassador.pk, points)
    ):
        top_contributors_award(campaign)
    return [badge for badge, _campaign in due]


def vote_facts(campaign, ambassador):
    """The facts behind the badges a vote can earn, as annotations for any query (``ambassador``: an id or an
    OuterRef): whether the ambassador holds the first-vote badge (``held_first_vote``) and ``campaign``'s top place
    (``held_top``), and their score on it (``score``)."""
    ideas = Idea.objects.filter(campaign=campaign, moderation=Moderation.APPROVED, author=ambassador)
    comments = Comment.objects.filter(idea__campaign=campaign, moderation=Moderation.APPROVED, author=ambassador)
    votes = Vote.objects.filter(idea__campaign=campaign, ambassador=ambassador)
    held = Award.objects.filter(ambassador=ambassador)
    return {
        "held_first_vote": Exists(held.filter(badge=Badge.FIRST_VOTE)),
        "held_top": Exists(held.filter(badge=Badge.TOP_CONTRIBUTOR, campaign=campaign)),
        "score": 3 * _count(ideas, "author") + _count(comments, "author") + _count(votes),
    }


def vote_may_earn(*, held_first_vote, held_top, score):
    """Whether one more vote may earn a badge to an ambassador with these ``vote_facts`` (read before it): their
    first vote, or the score that may bring them to the top places. Otherwise a vote need check no badge."""
    return not held_first_vote or (not held_top and score + 1 >= TOP_MIN_SCORE)


def awards_grant_voted(*, ambassador, campaign, held_first_vote, held_top, score):
    """``awards_grant_vote`` (not answering) when its facts were read before the vote, with the idea
    (``vote_facts`` in ``ideas.voting.ballot``): nothing read again. Runs in the vote's transaction."""
    if not held_first_vote:
        Award.objects.bulk_create([Award(ambassador=ambassador, badge=Badge.FIRST_VOTE)], ignore_conflicts=True)
    if not held_top and score + 1 >= TOP_MIN_SCORE and may_place(campaign, ambassador.pk, score + 1):
        top_contributors_award(campaign)


def awards_grant_vote(*, ambassador, campaign, answered=False):
    """``awards_grant`` after a vote, cheaper: a vote changes only two of the facts behind badges, that the
    ambassador voted (first vote) and their score on ``campaign`` (top places), so only these are read, in one
    query (an insert more for a first vote), none of ``_due``'s. A vote that also ``answered`` the invitation
    may complete the surveys badge: then everything is checked, as ``awards_grant`` does. Badges earned
    otherwise meanwhile (a moderator approving an idea) come with the next post, or ``awards_refresh``."""
    if answered:
        return awards_grant(ambassador=ambassador, campaign=campaign)
    facts = (
        Ambassador.objects.filter(pk=ambassador.pk)
        .annotate(**vote_facts(campaign, OuterRef("pk")))
        .values("held_first_vote", "held_top", "score")
        .order_by()
        .first()
    )
    if facts is None:
        return []
    # read after the vote: the score before it was one less
    awards_grant_voted(ambassador=ambassador, campaign=campaign, **{**facts, "score": facts["score"] - 1})
    return [] if facts["held_first_vote"] else [Badge.FIRST_VOTE]


def top_contributors_award(campaign):
    """The campaign's top places awarded. Inserted in the ambassadors' order, as every vote's transaction does
    (``ideas.voting``): two transactions inserting the same awards wait for each other, never in a circle."""
    board = leaderboard(campaign, TOP_PLACES)
    if len(board) == TOP_PLACES:
        third, points = board[-1]
        cache.set(_third_place_key(campaign), (points, -third.pk), THIRD_PLACE_SECONDS)
    top = sorted((ambassador for ambassador, points in board if points >= TOP_MIN_SCORE), key=lambda a: a.pk)
    Award.objects.bulk_create(
        [Award(ambassador=ambassador, badge=Badge.TOP_CONTRIBUTOR, campaign=campaign) for ambassador in top],
        ignore_conflicts=True,
    )


def _awards_give(badge, pairs):
    """Award ``badge`` to each (ambassador id, campaign id or None) of ``pairs``, inserted in chunks."""
    batch = []
    for ambassador_id, campaign_id in pairs.iterator(chunk_size=2000):
        batch.append(Award(ambassador_id=ambassador_id, badge=badge, campaign_id=campaign_id))
        if len(batch) == 2000:
            Award.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Award.objects.bulk_create(batch, ignore_conflicts=True)


def _due_to_anyone():
    """[(badge, query of (ambassador id, campaign id or None) who earned it)], one query per kind of badge."""

    def without(badge):
        return ~Q(awards__badge=badge)

    return [
        (
            Badge.FIRST_IDEA,
            Ambassador.objects.filter(without(Badge.FIRST_IDEA), ideas__moderation=Moderation.APPROVED)
            .values_list("pk", NO_CAMPAIGN)
            .distinct(),
        ),
        (
            Badge.FIRST_VOTE,
            Ambassador.objects.filter(without(Badge.FIRST_VOTE), idea_votes__isnull=False)
            .values_list("pk", NO_CAMPAIGN)
            .distinct(),
        ),
        (
            Badge.IDEA_ADOPTED,
            Idea.objects.filter(status__in=ADOPTED, author__isnull=False)
            .values_list("author_id", "campaign_id")
            .distinct(),
        ),
        (
            Badge.SURVEYS_ANSWERED,
            Invitation.objects.filter(
                responded_at__isnull=False, campaign__kind__in=[Campaign.Kind.SURVEY, Campaign.Kind.BOTH]
            )
            .values("ambassador_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=SURVEYS_FOR_BADGE)
            .values_list("ambassador_id", NO_CAMPAIGN),
        ),
    ]


def awards_refresh():
    """Every badge due to anyone, set-based (for the schedule): one query per kind of badge, inserts in chunks."""
    for badge, pairs in _due_to_anyone():
        _awards_give(badge, pairs)
    for campaign in Campaign.objects.filter(
        status=Campaign.Status.LIVE, kind__in=[Campaign.Kind.IDEATION, Campaign.Kind.BOTH]
    ):
        top_contributors_award(campaign)


def contributor_settings(*, ambassador, display_name, hide_from_leaderboards):
    Contributor.objects.update_or_create(
        ambassador=ambassador,
        defaults={"display_name": display_name.strip()[:60], "hide_from_leaderboards": hide_from_leaderboards},
    )
