"""Ambassadors post ideas, comments and abuse reports: the rate limits, pre-moderation and the comment count."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.models import AbuseReport, Board, Comment, Idea, Moderation


def _within_rate(queryset, limit, now):
    return queryset.filter(created_at__gte=now - timedelta(hours=1)).count() < limit


def idea_post(*, board, ambassador, title, body="", category=None, now=None):
    """A new idea on the board; pending when the board is pre-moderated. Raises ValidationError past the
    hourly limit."""
    now = now or timezone.now()
    if not _within_rate(Idea.objects.filter(author=ambassador), settings.IDEAS_PER_HOUR, now):
        raise ValidationError(_("Vous avez proposé beaucoup d'idées en peu de temps : réessayez dans une heure."))
    if category is not None and category.board_id != board.pk:
        raise ValidationError(_("Cette catégorie n'existe pas dans cette campagne."))
    moderation = Moderation.PENDING if board.moderation == Board.Mode.PRE else Moderation.APPROVED
    return Idea.objects.create(
        campaign_id=board.campaign_id,
        author=ambassador,
        title=title.strip(),
        body=body.strip(),
        category=category,
        moderation=moderation,
    )


def comment_post(*, board, idea, body, ambassador=None, user=None, parent=None, now=None):
    """A comment, or a reply (a reply to a reply joins the thread of its first comment: one level). Staff
    comments (``user``) are never held for moderation."""
    now = now or timezone.now()
    if ambassador is not None and not _within_rate(
        Comment.objects.filter(author=ambassador), settings.COMMENTS_PER_HOUR, now
    ):
        raise ValidationError(_("Vous avez écrit beaucoup de commentaires en peu de temps : réessayez dans une heure."))
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise ValidationError(_("Ce commentaire n'appartient pas à cette idée."))
        if parent.parent_id:
            parent = parent.parent
    held = ambassador is not None and board.moderation == Board.Mode.PRE
    with transaction.atomic():
        comment = Comment.objects.create(
            idea=idea,
            parent=parent,
            author=ambassador,
            author_user=user,
            body=body.strip(),
            moderation=Moderation.PENDING if held else Moderation.APPROVED,
        )
        if not held:
            Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
    return comment


def comment_editable(comment, ambassador, now=None):
    now = now or timezone.now()
    return (
        ambassador is not None
        and comment.author_id == ambassador.pk
        and now - comment.created_at <= timedelta(minutes=settings.COMMENT_EDIT_MINUTES)
    )


def comment_edit(*, comment, ambassador, body, now=None):
    now = now or timezone.now()
    if not comment_editable(comment, ambassador, now):
        raise ValidationError(_("Ce commentaire ne peut plus être modifié."))
    Comment.objects.filter(pk=comment.pk).update(body=body.strip(), edited_at=now)


def abuse_report(*, ambassador, idea=None, comment=None, reason=""):
    """Flag an idea or a comment for the moderators. Returns False when this ambassador had already done so."""
    try:
        with transaction.atomic():
            AbuseReport.objects.create(reporter=ambassador, idea=idea, comment=comment, reason=reason.strip()[:500])
    except IntegrityError:
        return False
    return True
