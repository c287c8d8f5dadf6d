"""Questions to the team: on a campaign's board ambassadors ask the team (an ``Idea`` of kind ``ASK``: moderated,
voted on and answered officially like ideas, through ``ideas.voting`` and ``ideas.workflow``), and rate each
official answer useful or not, with an optional comment.

The board lists the questions most voted first with their latest official answer and the viewer's own rating, in
three queries whatever their number."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.board import display_name, visible_ideas
from ideas.models import AnswerRating, Board, Idea, Moderation, StatusChange, Vote
from ideas.posting import _within_rate, board_ensure, contribution_answered

COMMENT_MAX = 1000


def question_ask(*, board, ambassador, title, body="", invitation=None, now=None):
    """A new question to the team on the board; pending when the board is pre-moderated. Shares the hourly limit
    of ideas."""
    now = now or timezone.now()
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Écrivez votre question.")})
    if not _within_rate(Idea.objects.filter(author=ambassador), settings.IDEAS_PER_HOUR, now):
        raise ValidationError(_("Vous avez proposé beaucoup d'idées en peu de temps : réessayez dans une heure."))
    with transaction.atomic():
        board = board_ensure(board)
        question = Idea.objects.create(
            campaign_id=board.campaign_id,
            author=ambassador,
            kind=Idea.Kind.ASK,
            title=title[:140],
            body=(body or "").strip(),
            moderation=Moderation.PENDING if board.moderation == Board.Mode.PRE else Moderation.APPROVED,
        )
        contribution_answered(invitation)
    return question


@dataclass
class AskedQuestion:
    question: Idea
    answer: StatusChange | None  # the latest official answer
    mine: AnswerRating | None  # the viewer's rating of that answer


def questions_for(campaign, viewer=None, limit=50):
    """The campaign's questions to the team as the viewer sees them, most voted first; each question's ``voted``
    says whether the viewer's vote is on it."""
    answers = StatusChange.objects.exclude(answer_fr="").order_by("-created_at", "-pk")
    voted = Value(False) if viewer is None else Exists(Vote.objects.filter(idea=OuterRef("pk"), ambassador=viewer))
    questions = list(
        visible_ideas(campaign, viewer)
        .filter(kind=Idea.Kind.ASK)
        .annotate(voted=voted)
        .order_by("-vote_count", "-id")
        .prefetch_related(Prefetch("status_changes", queryset=answers, to_attr="answers"))[:limit]
    )
    latest = [question.answers[0] for question in questions if question.answers]
    mine = {}
    if viewer is not None and latest:
        mine = {r.change_id: r for r in AnswerRating.objects.filter(change__in=latest, ambassador=viewer)}
    return [
        AskedQuestion(
            question,
            question.answers[0] if question.answers else None,
            mine.get(question.answers[0].pk) if question.answers else None,
        )
        for question in questions
    ]


def answer_rate(*, change, ambassador, useful, comment=""):
    """Rate the team's answer ``change`` to a question (useful or not, optional comment); rating again replaces
    the rating. Raises ValidationError when ``change`` is not an official answer to a published question."""
    comment = (comment or "").strip()
    idea = change.idea
    if idea.kind != Idea.Kind.ASK or idea.moderation != Moderation.APPROVED or not change.answer_fr:
        raise ValidationError(_("Cette réponse ne peut pas être notée."))
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": _("Le commentaire dépasse %(max)s caractères.") % {"max": COMMENT_MAX}})
    rating, _created = AnswerRating.objects.update_or_create(
        change=change, ambassador=ambassador, defaults={"useful": bool(useful), "comment": comment}
    )
    return rating


def answer_counts(changes):
    """{change pk: (useful, not useful)} over published ratings, one query."""
    rows = (
        AnswerRating.objects.filter(change__in=changes, moderation=Moderation.APPROVED)
        .values("change")
        .annotate(yes=Count("pk", filter=Q(useful=True)), no=Count("pk", filter=Q(useful=False)))
        .order_by()
    )
    return {row["change"]: (row["yes"], row["no"]) for row in rows}


def answer_ratings(question):
    """Every rating of the team's answers to ``question``, for staff on the question's admin pages: the latest
    answer's first, each with its comment, its moderation state and its rater named as on the board (``rater``),
    never by their email. One query."""
    ratings = list(
        AnswerRating.objects.filter(change__idea=question)
        .select_related("change", "ambassador__contributor")
        .order_by("-change__created_at", "-change_id", "-created_at", "-pk")
    )
    for rating in ratings:
        rating.rater = display_name(rating.ambassador)
    return ratings


def ratings_export(ambassador):
    """The ambassador's ratings of the team's answers, for their personal-data file."""
    return [
        {"question": title, "useful": useful, "comment": comment, "at": at.isoformat()}
        for title, useful, comment, at in AnswerRating.objects.filter(ambassador=ambassador)
        .order_by("pk")
        .values_list("change__idea__title", "useful", "comment", "created_at")
    ]


def ratings_erase(ambassador, now):
    removed = AnswerRating.objects.filter(ambassador=ambassador).delete()[0]
    return _("Avis sur les réponses de l'équipe supprimés : %(count)s.") % {"count": removed} if removed else ""
