"""Moderation of ideas and comments: a moderator's decision (approve, hide, reject with a reason) and the queue
of what awaits one (pending contributions, and published ones that ambassadors reported).

A decision resolves the item's open abuse reports and, for a comment, recounts the idea's ``comment_count``
(approved comments) in the same transaction, so the count on every list stays exact."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from campaigns.models import Campaign
from ideas.board import board_changed, display_name
from ideas.models import AbuseReport, Comment, Idea, Moderation

REASON_MAX_LENGTH = Idea._meta.get_field("moderation_reason").max_length
QUEUE_LIMIT = 100


class Decision(models.TextChoices):
    APPROVE = "approve", gettext_lazy("Approuver")
    HIDE = "hide", gettext_lazy("Masquer")
    REJECT = "reject", gettext_lazy("Refuser")


OUTCOME = {
    Decision.APPROVE: Moderation.APPROVED,
    Decision.HIDE: Moderation.HIDDEN,
    Decision.REJECT: Moderation.REJECTED,
}
LOG_ACTION = {
    Decision.APPROVE: "ideas.moderation.approve",
    Decision.HIDE: "ideas.moderation.hide",
    Decision.REJECT: "ideas.moderation.reject",
}


def _open_reports(item):
    target = {"idea": item} if isinstance(item, Idea) else {"comment": item}
    return AbuseReport.objects.filter(resolved_at__isnull=True, **target)


def comment_counts_refresh(idea_ids):
    """Set ``comment_count`` of these ideas to their number of approved comments: one UPDATE from a subquery."""
    approved = (
        Comment.objects.filter(idea=OuterRef("pk"), moderation=Moderation.APPROVED)
        .order_by()
        .values("idea")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Idea.objects.filter(pk__in=list(idea_ids)).update(
        comment_count=Coalesce(Subquery(approved, output_field=models.PositiveIntegerField()), Value(0))
    )


def _decision_checked(decision, reason):
    """(the Decision, the reason stripped); raises ValidationError (on ``decision`` or ``reason``) when the
    decision is unknown, or the reason missing for a refusal or too long."""
    if decision not in Decision.values:
        raise ValidationError(
            {
                "decision": _("Décision inconnue : %(decision)s (approuver, masquer ou refuser).")
                % {"decision": decision}
            }
        )
    decision = Decision(decision)
    reason = (reason or "").strip()
    if decision != Decision.APPROVE and not reason:
        raise ValidationError({"reason": _("Indiquez le motif pour masquer ou refuser une contribution.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": _("Le motif fait %(length)d caractères : %(max)d au plus.")
                % {"length": len(reason), "max": REASON_MAX_LENGTH}
            }
        )
    return decision, reason


def content_moderate(*, item, decision, reason="", by, now=None):
    """Approve, hide or reject an Idea or a Comment. Hiding and rejecting need a reason (shown to no ambassador
    but kept with the item and in its history). Resolves the item's open abuse reports; for a comment, the idea's
    comment count follows. Returns the item, updated. Raises ValidationError (on ``decision`` or ``reason``) and
    changes nothing when the decision or the reason is not acceptable."""
    if not isinstance(item, (Idea, Comment)):
        raise TypeError(f"only an Idea or a Comment is moderated, not {type(item).__name__}")
    decision, reason = _decision_checked(decision, reason)
    now = now or timezone.now()
    outcome = OUTCOME[decision]
    with transaction.atomic():
        type(item).objects.filter(pk=item.pk).update(moderation=outcome, moderation_reason=reason)
        resolved = _open_reports(item).update(resolved_at=now)
        if isinstance(item, Comment):
            comment_counts_refresh([item.idea_id])
        board_changed(item.campaign_id if isinstance(item, Idea) else item.idea.campaign_id)
        item.moderation, item.moderation_reason = outcome, reason
        title = item.title if isinstance(item, Idea) else item.body[:80]
        log(
            instance=item,
            action=LOG_ACTION[decision],
            user=by,
            title=title,
            data={"reason": reason, "reports_resolved": resolved},
        )
    return item


@dataclass
class QueueEntry:
    """An idea or a comment awaiting a moderator, with its open reports (oldest first)."""

    item: Idea | Comment
    reports: list

    @property
    def kind(self):
        return "idea" if isinstance(self.item, Idea) else "comment"

    @property
    def idea(self):
        return self.item if isinstance(self.item, Idea) else self.item.idea

    @property
    def campaign(self):
        return self.idea.campaign

    @property
    def created_at(self):
        return self.item.created_at

    @property
    def report_count(self):
        return self.item.open_report_count

    @property
    def author_name(self):
        if self.item.author_user_id:
            user = self.item.author_user
            return user.get_full_name() or user.get_username()
        return display_name(self.item.author)

    @property
    def by_staff(self):
        return self.item.author_user_id is not None


def _awaiting(queryset, target, campaign_field, campaign):
    open_reports = AbuseReport.objects.filter(resolved_at__isnull=True, **{target: OuterRef("pk")})
    counted = open_reports.order_by().values(target).annotate(count=Count("pk")).values("count")
    queryset = queryset.filter(
        Q(moderation=Moderation.PENDING) | Q(Exists(open_reports), moderation=Moderation.APPROVED)
    )
    if campaign is not None:
        queryset = queryset.filter(**{campaign_field: campaign})
    return (
        queryset.annotate(open_report_count=Coalesce(Subquery(counted, output_field=models.IntegerField()), Value(0)))
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=AbuseReport.objects.filter(resolved_at__isnull=True).order_by("created_at", "pk"),
                to_attr="open_reports",
            )
        )
        .order_by("created_at", "pk")
    )


def moderation_queue(campaign=None, *, limit=QUEUE_LIMIT):
    """What awaits a moderator, oldest first: pending ideas and comments, and approved ones with open reports,
    each with its report count and open reports, in at most four queries. ``limit`` keeps the oldest entries."""
    ideas = _awaiting(
        Idea.objects.select_related("campaign", "author__contributor", "author_user"), "idea", "campaign", campaign
    )[:limit]
    comments = _awaiting(
        Comment.objects.select_related("idea__campaign", "author__contributor", "author_user"),
        "comment",
        "idea__campaign",
        campaign,
    )[:limit]
    entries = [QueueEntry(item, item.open_reports) for item in [*ideas, *comments]]
    entries.sort(key=lambda entry: (entry.created_at, entry.kind, entry.item.pk))
    return entries[:limit]


def awaiting_counts():
    """What awaits moderation, per campaign: [(campaign, pending ideas, pending comments, open reports)], the
    campaigns with most waiting first; four grouped queries whatever the volume."""

    def per_campaign(queryset, field):
        return dict(queryset.values_list(field).annotate(count=Count("pk")).order_by())

    ideas = per_campaign(Idea.objects.filter(moderation=Moderation.PENDING), "campaign")
    comments = per_campaign(Comment.objects.filter(moderation=Moderation.PENDING), "idea__campaign")
    open_reports = AbuseReport.objects.filter(resolved_at__isnull=True)
    reports = per_campaign(open_reports.filter(idea__isnull=False), "idea__campaign")
    for campaign_id, count in per_campaign(
        open_reports.filter(comment__isnull=False), "comment__idea__campaign"
    ).items():
        reports[campaign_id] = reports.get(campaign_id, 0) + count
    ids = {*ideas, *comments, *reports}
    rows = [
        (campaign, ideas.get(campaign.pk, 0), comments.get(campaign.pk, 0), reports.get(campaign.pk, 0))
        for campaign in Campaign.objects.filter(pk__in=ids).only("pk", "title")
    ]
    return sorted(rows, key=lambda row: (-sum(row[1:]), row[0].pk))
