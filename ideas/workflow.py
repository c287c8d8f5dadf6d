"""What the bank does with an idea: its status, each change with an official answer kept in the idea's history,
and the merging of duplicates. Ambassadors concerned are told by email once the change is committed (through
django-q2, see ideas.notifications).

Statuses move along one path, one step at a time (``ALLOWED``)::

    new -> under_review -> planned -> in_progress -> delivered     (delivered is final)
    new, under_review, planned or in_progress -> declined
    declined -> under_review                                      (reopened: the team studies it again)

No step is skipped and no change keeps the same status: every change is news that the author and the voters
are told about, with its answer.

Merging a duplicate (``source``) into another idea of the same campaign (``target``): the source's votes join
the target, each ambassador counted once (an ambassador who voted for both keeps one vote, on the target); its
comments follow with their threads; counts and the trending score of both are recomputed from the rows. The
source stays where it was, neither hidden nor deleted, with ``merged_into`` set: its page says where its votes
went and boards no longer list it. Ideas merged earlier into the source now point at the target, so a merge
is never more than one step away from the idea that carries the votes."""

import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_q.tasks import async_task
from wagtail import log_actions

from ideas.board import board_changed
from ideas.models import Comment, Idea, StatusChange, Vote
from ideas.moderation import comment_counts_refresh
from ideas.voting import TAU

Status = Idea.Status
# The merge goes into the idea's admin history under this action once ideas/wagtail_hooks.py registers it
# (Wagtail refuses to log an action it does not know).
MERGE_LOG_ACTION = "ideas.merge"

ANSWER_REQUIRED = gettext_lazy(
    "Écrivez la réponse officielle en français : elle est montrée sur "
    "l'idée et envoyée à son auteur et à ceux qui ont voté pour elle."
)
ALLOWED = {
    Status.NEW: (Status.UNDER_REVIEW, Status.DECLINED),
    Status.UNDER_REVIEW: (Status.PLANNED, Status.DECLINED),
    Status.PLANNED: (Status.IN_PROGRESS, Status.DECLINED),
    Status.IN_PROGRESS: (Status.DELIVERED, Status.DECLINED),
    Status.DELIVERED: (),
    Status.DECLINED: (Status.UNDER_REVIEW,),
}


def _label(status):
    return str(Status(status).label)


def _quoted(statuses):
    return ", ".join(f"« {_label(status)} »" for status in statuses)


def transition_problem(from_status, to_status):
    """Why an idea cannot go from ``from_status`` to ``to_status`` (a French sentence), or None when it can."""
    if to_status not in Status.values:
        return _("Statut inconnu : %(status)s. Statuts possibles : %(allowed)s.") % {
            "status": to_status,
            "allowed": _quoted(Status.values),
        }
    if to_status == from_status:
        return _("L'idée est déjà « %(status)s ».") % {"status": _label(to_status)}
    allowed = ALLOWED[Status(from_status)]
    if not allowed:
        return _("Une idée « %(status)s » ne change plus de statut.") % {"status": _label(from_status)}
    if to_status not in allowed:
        return _("Une idée « %(from)s » ne peut pas passer à « %(to)s ». Étapes possibles : %(allowed)s.") % {
            "from": _label(from_status),
            "to": _label(to_status),
            "allowed": _quoted(allowed),
        }
    return None


def _locked_for_status_change(idea, to_status):
    """The idea's row, locked until the transaction ends; raises ValidationError (on ``to_status``) when it was
    merged into another or cannot take that step."""
    current = Idea.objects.select_for_update(of=("self",)).select_related("merged_into").get(pk=idea.pk)
    if current.merged_into_id is not None:
        raise ValidationError(
            {
                "to_status": _("Cette idée a été fusionnée dans « %(title)s » : changez plutôt le statut de celle-ci.")
                % {"title": current.merged_into.title}
            }
        )
    problem = transition_problem(current.status, to_status)
    if problem:
        raise ValidationError({"to_status": problem})
    return current


def idea_status_change(*, idea, to_status, answer_fr, answer_en="", by):
    """Move ``idea`` to ``to_status`` with its official answer (French required, English optional) and keep the
    change in its history. Once committed, the author and the voters are emailed. Returns the StatusChange;
    ``idea.status`` is updated. Raises ValidationError (on ``to_status`` or ``answer_fr``) and changes nothing
    when the step is not allowed, the idea was merged into another, or the French answer is empty."""
    answer_fr, answer_en = (answer_fr or "").strip(), (answer_en or "").strip()
    if not answer_fr:
        raise ValidationError({"answer_fr": ANSWER_REQUIRED})
    with transaction.atomic():
        current = _locked_for_status_change(idea, to_status)
        Idea.objects.filter(pk=idea.pk).update(status=to_status, updated_at=timezone.now())
        change = StatusChange.objects.create(
            idea_id=idea.pk,
            from_status=current.status,
            to_status=to_status,
            answer_fr=answer_fr,
            answer_en=answer_en,
            changed_by=by,
        )
        board_changed(current.campaign_id)
        transaction.on_commit(
            lambda: async_task(
                "ideas.tasks.status_change_notify", change.pk, task_name=f"ideas-status-change-{change.pk}"
            )
        )
    idea.status = to_status
    return change


@dataclass(frozen=True)
class Merge:
    """What a merge did: votes moved to the target, votes dropped because their ambassador had already voted for
    the target, comments moved."""

    source: Idea
    target: Idea
    votes_moved: int
    votes_already_counted: int
    comments_moved: int


def _merge_problem(source, target):
    """(field, French sentence) saying why ``source`` cannot be merged into ``target``, or None."""
    if source.pk == target.pk:
        return "target", _("Une idée ne peut pas être fusionnée dans elle-même.")
    if source.merged_into_id is not None:
        return "source", _("« %(source)s » est déjà fusionnée dans « %(into)s ».") % {
            "source": source.title,
            "into": source.merged_into.title,
        }
    if target.campaign_id != source.campaign_id:
        return "target", _(
            "« %(target)s » appartient à une autre campagne : seules les idées d'une même campagne se fusionnent."
        ) % {"target": target.title}
    if target.merged_into_id is not None:
        return "target", _(
            "« %(target)s » est elle-même fusionnée dans « %(into)s » : fusionnez plutôt dans celle-ci."
        ) % {"target": target.title, "into": target.merged_into.title}
    return None


def trend_of_votes(idea_id):
    """The trending score of an idea computed from its votes (see ideas.voting): TAU * ln(sum of exp(t_i / TAU)),
    accumulated as the vote times stream by (shifted by the largest so far, so nothing overflows); 0 without
    votes. One query; memory stays flat whatever the number of votes."""
    largest, total = None, 0.0
    times = Vote.objects.filter(idea_id=idea_id).order_by().values_list("created_at", flat=True)
    for moment in times.iterator(chunk_size=2000):
        t = moment.timestamp()
        if largest is None:
            largest, total = t, 1.0
        elif t <= largest:
            total += math.exp((t - largest) / TAU)
        else:
            total, largest = total * math.exp((largest - t) / TAU) + 1.0, t
    return 0.0 if largest is None else largest + TAU * math.log(total)


def _vote_counts_refresh(idea_ids):
    counted = Vote.objects.filter(idea=OuterRef("pk")).order_by().values("idea").annotate(n=Count("pk")).values("n")
    Idea.objects.filter(pk__in=idea_ids).update(
        vote_count=Coalesce(Subquery(counted, output_field=models.PositiveIntegerField()), Value(0))
    )


def _locked_pair(source, target):
    """{pk: idea} of both ideas, locked in the order of their keys (two merges at once never wait in a circle);
    raises ValidationError (on ``source`` or ``target``) when they cannot be merged."""
    locked = {
        found.pk: found
        for found in Idea.objects.select_for_update(of=("self",))
        .select_related("merged_into")
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    }
    if len(locked) < len({source.pk, target.pk}):
        raise Idea.DoesNotExist(f"idea {source.pk} or {target.pk} no longer exists")
    problem = _merge_problem(locked[source.pk], locked[target.pk])
    if problem:
        raise ValidationError({problem[0]: problem[1]})
    return locked


def _rows_merged(source_id, target_id):
    """Move the source's votes (each ambassador once) and comments to the target, point the ideas merged into
    the source at the target, recount both. Returns (votes moved, votes already counted, comments moved)."""
    already_voted = Vote.objects.filter(idea_id=target_id, ambassador_id=OuterRef("ambassador_id"))
    moved = Vote.objects.filter(idea_id=source_id).exclude(Exists(already_voted)).update(idea_id=target_id)
    already_counted, _by_model = Vote.objects.filter(idea_id=source_id).delete()
    comments = Comment.objects.filter(idea_id=source_id).update(idea_id=target_id)
    Idea.objects.filter(merged_into_id=source_id).update(merged_into_id=target_id)
    now = timezone.now()
    Idea.objects.filter(pk=source_id).update(merged_into_id=target_id, trend=0.0, updated_at=now)
    Idea.objects.filter(pk=target_id).update(trend=trend_of_votes(target_id), updated_at=now)
    _vote_counts_refresh([source_id, target_id])
    comment_counts_refresh([source_id, target_id])
    return moved, already_counted, comments


def _merge_logged(source, target, by, moved, already_counted, comments):
    if log_actions.registry.action_exists(MERGE_LOG_ACTION):
        log_actions.log(
            instance=source,
            action=MERGE_LOG_ACTION,
            user=by,
            title=source.title,
            data={
                "into": target.pk,
                "into_title": target.title,
                "votes_moved": moved,
                "votes_already_counted": already_counted,
                "comments_moved": comments,
            },
        )


def idea_merge(*, source, target, by):
    """Merge the duplicate ``source`` into ``target`` (see the module's docstring). Returns a Merge; both ideas
    passed are refreshed. Once committed, their ambassador authors are emailed. Raises ValidationError (on
    ``source`` or ``target``) and changes nothing when merging into itself, into an idea of another campaign,
    into an idea itself merged, or when the source was already merged."""
    with transaction.atomic():
        locked = _locked_pair(source, target)
        moved, already_counted, comments = _rows_merged(source.pk, target.pk)
        _merge_logged(locked[source.pk], locked[target.pk], by, moved, already_counted, comments)
        board_changed(locked[target.pk].campaign_id)
        if locked[source.pk].author_id or locked[target.pk].author_id:
            transaction.on_commit(
                lambda: async_task(
                    "ideas.tasks.merge_notify", source.pk, target.pk, task_name=f"ideas-merge-{source.pk}-{target.pk}"
                )
            )
    source.refresh_from_db()
    target.refresh_from_db()
    return Merge(
        source=source, target=target, votes_moved=moved, votes_already_counted=already_counted, comments_moved=comments
    )
