"""Votes: one per ambassador and idea (a unique key), withdrawable, within the board's budget. The idea's
``vote_count`` and ``trend`` change in the same transaction as the vote, by one UPDATE computed in the database,
so counts stay exact however many ambassadors vote at once.

``trend`` is the log-sum-exp of the vote times: TAU * ln(sum of exp(t_i / TAU)), in seconds. Ordering by it
is ordering by the sum of each vote's weight exp(-(now - t_i) / TAU) at any "now", so a vote's weight halves
every TAU * ln 2 (about two days) and the order needs no recomputation: an index serves it.

Casting a vote through an invitation (``invitation``, as the board's views do) is one action: the vote, the
idea's counts, the invitation marked answered and the badges earned are written in one transaction, all or
nothing. The idea's row is updated last, so that others voting for it wait on this transaction the least."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Exists, F, OuterRef, Value, When
from django.db.models.functions import Abs, Exp, Greatest, Ln
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Ambassador
from ideas.models import Idea, Moderation, Vote
from ideas.posting import board_ensure, contribution_answered

TAU = 3 * 24 * 3600.0
FLOOR = Value(-50.0)  # exp(-50) is nothing next to 1; PostgreSQL refuses exp() of far smaller arguments (underflow)


def _epoch(moment):
    return moment.timestamp()


def trend_added(trend, moment):
    """``trend`` with a vote at ``moment`` added (a database expression)."""
    t = Value(_epoch(moment))
    return Greatest(trend, t) + Value(TAU) * Ln(Value(1.0) + Exp(Greatest(-Abs(trend - t) / Value(TAU), FLOOR)))


def trend_removed(trend, moment):
    """``trend`` with a vote at ``moment`` taken away (a database expression; the last vote leaves 0)."""
    t = Value(_epoch(moment))
    return trend + Value(TAU) * Ln(Greatest(Value(1.0) - Exp(Greatest((t - trend) / Value(TAU), FLOOR)), Value(1e-12)))


def votable(idea):
    return idea.moderation == Moderation.APPROVED and idea.merged_into_id is None


def _budget_check(*, idea, ambassador, budget):
    """Raises ValidationError when the ambassador's votes on the idea's campaign reach ``budget``. Locks the
    ambassador's row until the transaction ends: one ambassador's votes take turns, so two at once cannot both
    pass the budget."""
    Ambassador.objects.select_for_update().filter(pk=ambassador.pk).values_list("pk").first()
    used = Vote.objects.filter(ambassador=ambassador, idea__campaign_id=idea.campaign_id).count()
    if used >= budget:
        raise ValidationError(
            _("Vous avez utilisé vos %(count)d votes : retirez-en un pour voter ici.") % {"count": budget}
        )


def _vote_insert(*, idea, ambassador, now):
    """Insert the vote unless the ambassador's vote for the idea exists (the unique key): True when inserted. One
    statement, where catching the unique key's error would cost a savepoint and its release around it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Vote._meta.db_table} (idea_id, ambassador_id, created_at) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING RETURNING id",
            [idea.pk, ambassador.pk, connection.ops.adapt_datetimefield_value(now)],
        )
        return cursor.fetchone() is not None


def vote_cast(*, idea, ambassador, board=None, invitation=None, now=None):
    """Vote for ``idea``; with ``invitation``, the invitation is marked answered and the ambassador's badges
    granted in the same transaction. Returns False (and writes nothing) when the ambassador had already voted
    for it. Raises ValidationError when the idea cannot take votes or the ambassador's vote budget for the
    campaign is spent."""
    now = now or timezone.now()
    if not votable(idea):
        raise ValidationError(_("Cette idée ne reçoit pas de votes."))
    with transaction.atomic():
        if board is not None:
            board = board_ensure(board)
            if board.vote_budget is not None:
                _budget_check(idea=idea, ambassador=ambassador, budget=board.vote_budget)
        if not _vote_insert(idea=idea, ambassador=ambassador, now=now):
            return False
        contribution_answered(invitation, vote=True)
        Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") + 1, trend=trend_added(F("trend"), now))
    return True


def vote_withdraw(*, idea, ambassador):
    """Take back a vote, the idea's counts following in the same transaction. Returns False when there was none.
    (Withdrawing answers nothing and earns nothing: the invitation and the badges stay as they are.)"""
    with transaction.atomic():
        vote = Vote.objects.select_for_update().filter(idea=idea, ambassador=ambassador).first()
        if vote is None:
            return False
        vote.delete()
        Idea.objects.filter(pk=idea.pk).update(
            vote_count=F("vote_count") - 1,
            trend=Case(When(vote_count__lte=1, then=Value(0.0)), default=trend_removed(F("trend"), vote.created_at)),
        )
    return True


def votes_left(*, board, ambassador):
    """How many votes the ambassador may still cast on this board, or None without a budget."""
    if board.vote_budget is None:
        return None
    used = Vote.objects.filter(ambassador=ambassador, idea__campaign_id=board.campaign_id).count()
    return max(0, board.vote_budget - used)


def vote_state(*, idea, ambassador, board):
    """What a page shows of a vote once cast or withdrawn: the idea's count as it now stands, whether the
    ambassador's vote stands, the votes left (None without a budget). Two short queries, one with a budget."""
    count, voted = (
        Idea.objects.filter(pk=idea.pk)
        .annotate(voted=Exists(Vote.objects.filter(idea=OuterRef("pk"), ambassador=ambassador)))
        .values_list("vote_count", "voted")
        .get()
    )
    return {"votes": count, "voted": voted, "votes_left": votes_left(board=board, ambassador=ambassador)}
