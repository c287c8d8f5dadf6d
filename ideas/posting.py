"""Ambassadors post ideas, comments and abuse reports: the rate limits, pre-moderation and the comment count.

Posting an idea or a comment through an invitation (``invitation``, as the board's views do) is one action: the
contribution, the invitation marked answered and the badges earned are written in one transaction, all or
nothing. The board's row, when a first contribution finds none, is made in it too (``board_ensure``)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.tracking import mark_responded
from ideas.badges import awards_grant, awards_grant_vote
from ideas.board import board_changed
from ideas.models import AbuseReport, Board, Comment, Idea, Moderation


def _within_rate(queryset, limit, now):
    return queryset.filter(created_at__gte=now - timedelta(hours=1)).count() < limit


def board_ensure(board):
    """``board`` with its row in the database: an unsaved default board (``ideas.board.board_of``) is saved
    (or the one a concurrent request saved meanwhile is read). Call it inside the contribution's transaction."""
    if board.pk is None:
        campaign = board.campaign
        board = Board.objects.get_or_create(campaign_id=campaign.pk)[0]
        board.campaign = campaign
    return board


def contribution_answered(invitation, *, vote=False):
    """What follows an ambassador's contribution made through ``invitation`` (nothing without one): the
    invitation is marked answered and the badges its ambassador earned on its campaign are given (after a
    ``vote``, only those a vote can earn: ``awards_grant_vote``). Runs in the caller's transaction."""
    if invitation is None:
        return
    answered = invitation.responded_at is None
    mark_responded(invitation)
    if vote:
        awards_grant_vote(ambassador=invitation.ambassador, campaign=invitation.campaign, answered=answered)
    else:
        awards_grant(ambassador=invitation.ambassador, campaign=invitation.campaign)


def idea_post(*, board, ambassador, title, body="", category=None, invitation=None, now=None):
    """A new idea on the board; pending when the board is pre-moderated. With ``invitation``, the invitation is
    marked answered and the ambassador's badges granted in the same transaction. Raises ValidationError past the
    hourly limit, or for a category of another board (then nothing is written)."""
    now = now or timezone.now()
    if not _within_rate(Idea.objects.filter(author=ambassador), settings.IDEAS_PER_HOUR, now):
        raise ValidationError(_("Vous avez proposé beaucoup d'idées en peu de temps : réessayez dans une heure."))
    if category is not None and category.board_id != board.pk:
        raise ValidationError(_("Cette catégorie n'existe pas dans cette campagne."))
    with transaction.atomic():
        board = board_ensure(board)
        idea = Idea.objects.create(
            campaign_id=board.campaign_id,
            author=ambassador,
            title=title.strip(),
            body=body.strip(),
            category=category,
            moderation=Moderation.PENDING if board.moderation == Board.Mode.PRE else Moderation.APPROVED,
        )
        contribution_answered(invitation)
        board_changed(board.campaign_id)
    return idea


def _thread_parent(idea, parent):
    """The comment a reply joins: ``parent``, or the first comment of its thread (one level of replies)."""
    if parent is None:
        return None
    if parent.idea_id != idea.pk:
        raise ValidationError(_("Ce commentaire n'appartient pas à cette idée."))
    return parent.parent if parent.parent_id else parent


def comment_post(*, board, idea, body, ambassador=None, user=None, parent=None, invitation=None, now=None):
    """A comment, or a reply (a reply to a reply joins the thread of its first comment: one level). Staff
    comments (``user``) are never held for moderation. With ``invitation`` (an ambassador's), the invitation is
    marked answered and the ambassador's badges granted in the same transaction."""
    now = now or timezone.now()
    if ambassador is not None and not _within_rate(
        Comment.objects.filter(author=ambassador), settings.COMMENTS_PER_HOUR, now
    ):
        raise ValidationError(_("Vous avez écrit beaucoup de commentaires en peu de temps : réessayez dans une heure."))
    parent = _thread_parent(idea, parent)
    with transaction.atomic():
        board = board_ensure(board)
        held = ambassador is not None and board.moderation == Board.Mode.PRE
        comment = Comment.objects.create(
            idea=idea,
            parent=parent,
            author=ambassador,
            author_user=user,
            body=body.strip(),
            moderation=Moderation.PENDING if held else Moderation.APPROVED,
        )
        contribution_answered(invitation)
        if not held:  # the idea's row last: others commenting on it wait for this transaction the least
            Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
            board_changed(idea.campaign_id)
    return comment


def comment_editable(comment, ambassador, now=None):
    now = now or timezone.now()
    return (
        ambassador is not None
        and comment.author_id == ambassador.pk
        and now - comment.created_at <= timedelta(minutes=settings.COMMENT_EDIT_MINUTES)
    )


def comment_edit(*, comment, ambassador, body, now=None):
    """The author corrects their comment, within COMMENT_EDIT_MINUTES of writing it (one UPDATE); raises
    ValidationError otherwise."""
    now = now or timezone.now()
    if not comment_editable(comment, ambassador, now):
        raise ValidationError(_("Ce commentaire ne peut plus être modifié."))
    Comment.objects.filter(pk=comment.pk).update(body=body.strip(), edited_at=now)


def abuse_report(*, ambassador, idea=None, comment=None, reason=""):
    """Flag an idea or a comment for the moderators (one INSERT). Returns False when this ambassador had already
    done so."""
    try:
        with transaction.atomic():
            AbuseReport.objects.create(reporter=ambassador, idea=idea, comment=comment, reason=reason.strip()[:500])
    except IntegrityError:
        return False
    return True
