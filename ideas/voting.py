"""Votes: one per ambassador and idea (a unique key), withdrawable, within the board's budget. The idea's
``vote_count`` and ``trend`` change in the same transaction as the vote, by one UPDATE computed in the database,
so counts stay exact however many ambassadors vote at once.

``trend`` is the log-sum-exp of the vote times: TAU * ln(sum of exp(t_i / TAU)), in seconds. Ordering by it
is ordering by the sum of each vote's weight exp(-(now - t_i) / TAU) at any "now", so a vote's weight halves
every TAU * ln 2 (about two days) and the order needs no recomputation: an index serves it.

Casting a vote through an invitation (``invitation``, as the board's views do) is one action: the vote, the
idea's counts, the invitation marked answered and the badges earned are written in one transaction, all or
nothing. The idea's row is updated last, so that others voting for it wait on this transaction the least.

A vote is the hottest write of a campaign's first hour (six steps of ten of an ambassador's journey), so it is
read and written in as few statements as can keep it exact: ``ballot`` reads the idea with everything the vote
depends on (whether the ambassador voted for it, their votes on the campaign, the facts behind the badges a vote
can earn) in one query; on PostgreSQL the vote is inserted, unless it exists or the budget is spent, and the
idea's counts updated and returned by one statement. A transaction opens only when there is more to write than
that (an invitation answered, a badge earned, a board's first row) or when a budget needs the ambassador's votes
to take turns."""

from contextlib import contextmanager, nullcontext

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Exists, F, OuterRef, Value, When
from django.db.models.functions import Abs, Exp, Greatest, Ln
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas import vote_sql
from ideas.badges import awards_grant_voted, vote_may_earn
from ideas.models import Idea, Moderation, Vote
from ideas.posting import board_ensure, contribution_answered

TAU = 3 * 24 * 3600.0
FLOOR = Value(-50.0)  # exp(-50) is nothing next to 1; PostgreSQL refuses exp() of far smaller arguments (underflow)


def _epoch(moment):
    return moment.timestamp()


def trend_added(trend, moment):
    """``trend`` with a vote at ``moment`` added (a database expression; ``ideas.vote_sql`` writes the same in SQL)."""
    t = Value(_epoch(moment))
    return Greatest(trend, t) + Value(TAU) * Ln(Value(1.0) + Exp(Greatest(-Abs(trend - t) / Value(TAU), FLOOR)))


def trend_removed(trend, moment):
    """``trend`` with a vote at ``moment`` taken away (a database expression; the last vote leaves 0)."""
    t = Value(_epoch(moment))
    return trend + Value(TAU) * Ln(Greatest(Value(1.0) - Exp(Greatest((t - trend) / Value(TAU), FLOOR)), Value(1e-12)))


def votable(idea):
    return idea.moderation == Moderation.APPROVED and idea.merged_into_id is None


def _spent(budget):
    message = _("Vous avez utilisé vos %(count)d votes : retirez-en un pour voter ici.")
    return ValidationError(message % {"count": budget})


def ballot(campaign, pk, ambassador, *, lock=False):
    """The idea ``pk`` of ``campaign`` (or of its id) when the ambassador may see it (``ideas.board.ideas_seen``),
    else None; with what a vote on it depends on: ``voted`` (their vote for it exists), ``used`` (their votes
    on the campaign) and the badges' ``vote_facts`` (``held_first_vote``, ``held_top``, ``score``). One query
    (``ideas.vote_sql``). With ``lock`` (in a transaction), the same query locks the ambassador's row until the
    transaction ends: one ambassador's votes take turns, so that two at once cannot both pass the budget (their
    insert counts the votes again, once the lock is held)."""
    campaign_id = getattr(campaign, "pk", campaign)
    params = vote_sql.ballot_params(campaign_id=campaign_id, pk=pk, ambassador_id=ambassador.pk)
    idea = next(iter(Idea.objects.raw(vote_sql.ballot_sql(lock=lock), params)), None)
    if idea is not None:
        idea.score = 3 * idea.approved_ideas + idea.approved_comments + idea.used
    return idea


@contextmanager
def ballot_open(campaign, pk, ambassador, board):
    """``ballot`` for a vote about to be cast or withdrawn: on a board with a budget, read and locked in the
    transaction the vote is then written in (``vote_cast`` inside the block); without one, in none."""
    if board.vote_budget is None:
        yield ballot(campaign, pk, ambassador)
        return
    with transaction.atomic():
        yield ballot(campaign, pk, ambassador, lock=True)


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


def _counted(*, idea, ambassador, now, budget):
    """Insert the vote and count it (``ideas.vote_sql.cast_sql``): (the idea's new vote count, the votes used
    before or None), or None when nothing was written. Elsewhere than on PostgreSQL, the same in three statements."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                vote_sql.cast_sql(budget),
                {
                    "idea": idea.pk,
                    "ambassador": ambassador.pk,
                    "campaign": idea.campaign_id,
                    "now": connection.ops.adapt_datetimefield_value(now),
                    "t": _epoch(now),
                    "tau": TAU,
                    "floor": FLOOR.value,
                    "budget": budget,
                },
            )
            return cursor.fetchone()
    with transaction.atomic():
        used = Vote.objects.filter(ambassador=ambassador, idea__campaign_id=idea.campaign_id).count()
        if (budget is not None and used >= budget) or not _vote_insert(idea=idea, ambassador=ambassador, now=now):
            return None
        Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") + 1, trend=trend_added(F("trend"), now))
        return Idea.objects.filter(pk=idea.pk).values_list("vote_count", flat=True).get(), used


def _balloted(idea, ambassador, *, lock):
    """``idea`` read again by ``ballot``; ValidationError when it can take no vote any more."""
    found = ballot(idea.campaign_id, idea.pk, ambassador, lock=lock)
    if found is None or not votable(found):
        raise ValidationError(_("Cette idée ne reçoit pas de votes."))
    return found


def vote_cast(*, idea, ambassador, board=None, invitation=None, now=None):
    """Vote for ``idea``; with ``invitation``, the invitation is marked answered and the ambassador's badges
    granted in the same transaction. Returns False (and writes nothing) when the ambassador had already voted
    for it. Raises ValidationError when the idea cannot take votes or the ambassador's vote budget for the
    campaign is spent. An ``idea`` read by ``ballot`` (on a board with a budget: in the caller's transaction,
    ``ballot_open``) is not read again, and its ``vote_count``, ``voted`` and ``used`` follow the vote."""
    now = now or timezone.now()
    if not votable(idea):
        raise ValidationError(_("Cette idée ne reçoit pas de votes."))
    budget = board.vote_budget if board is not None else None
    if budget is not None and not connection.in_atomic_block:
        with transaction.atomic():  # the ballot's lock held until the vote is written
            idea = _balloted(idea, ambassador, lock=True)
            return vote_cast(idea=idea, ambassador=ambassador, board=board, invitation=invitation, now=now)
    if not hasattr(idea, "voted"):
        idea = _balloted(idea, ambassador, lock=budget is not None)
    if idea.voted:
        return False
    if budget is not None and idea.used >= budget:
        raise _spent(budget)
    return _cast(idea=idea, ambassador=ambassador, board=board, invitation=invitation, now=now, budget=budget)


def _cast(*, idea, ambassador, board, invitation, now, budget):
    """``vote_cast`` once the ballot says the vote may be cast. The invitation answered and the badges are
    written only when they may change (``vote_may_earn``), in the vote's transaction."""
    facts = {name: getattr(idea, name) for name in ("held_first_vote", "held_top", "score")}
    earns = invitation is not None and (invitation.responded_at is None or vote_may_earn(**facts))
    with transaction.atomic() if earns or (board is not None and board.pk is None) else nullcontext():
        if board is not None:
            board_ensure(board)
        counted = _counted(idea=idea, ambassador=ambassador, now=now, budget=budget)
        if counted is not None and earns and invitation.responded_at is None:
            contribution_answered(invitation, vote=True)
        elif counted is not None and earns:
            awards_grant_voted(ambassador=ambassador, campaign=invitation.campaign, **facts)
    if counted is None:  # voted meanwhile (a second click), or the budget spent meanwhile (another tab)
        if budget is not None and not Vote.objects.filter(idea=idea, ambassador=ambassador).exists():
            raise _spent(budget)
        idea.voted = True
        return False
    idea.vote_count, used = counted
    idea.voted = True
    idea.used = (idea.used if used is None else used) + 1
    return True


def ballot_state(idea, board):
    """What the page shows after a vote cast on a ``ballot``'s idea (``vote_cast``): its count as it now stands,
    that the ambassador's vote stands, the votes left (None without a budget). No query."""
    budget = board.vote_budget
    return {
        "votes": idea.vote_count,
        "voted": idea.voted,
        "votes_left": None if budget is None else max(0, budget - idea.used),
    }


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
