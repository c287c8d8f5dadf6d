"""Subject tests (A/B tests of an invitation's subject): two to four subjects, a random sample of the audience
shared equally between them at launch, the others held back; after ``ab_decide_after`` hours the minute's clock
compares the subjects on estimated-human opens or on clicks (``campaigns.sending.significance``) and sends the
rest of the audience the winner, or the first subject when no difference is significant.

Held invitations are queued with ``next_attempt_at`` at ``HELD_UNTIL``: no sender takes them until the decision
releases them. The figure compared is defined once, in ``engaged``; reports read the test through ``figures``.
"""

import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Invitation, SubjectTestMetric
from campaigns.privacy.suppression import Grid
from campaigns.sending import senders, significance

log = logging.getLogger("campaigns.sending")
Status = Invitation.Status
HELD_UNTIL = datetime(9999, 12, 31, tzinfo=UTC)
MIN_SUBJECTS, MAX_SUBJECTS = 2, 4
CHUNK = 5000  # ids per UPDATE ... WHERE id IN (...): within SQLite's limit of bound parameters


def engaged(metric):
    """The one definition of what a subject test counts as a success: an estimated-human open or an
    estimated-human click, as the tracking classifies them (``campaigns.tracking``: privacy relays' prefetches,
    image proxies and security scanners' clicks left out)."""
    if metric == SubjectTestMetric.CLICKS:
        return Q(first_human_click_at__isnull=False)
    return Q(first_human_open_at__isnull=False)


def reached():
    """The invitations a subject test compares over: sent and not bounced."""
    return Q(sent_at__isnull=False) & ~Q(status=Status.BOUNCED)


def variants_of(campaign):
    return list(campaign.subject_variants.order_by("sort_order", "pk"))


def variant_label(index):
    return _("Objet %(letter)s") % {"letter": "ABCD"[index] if index < MAX_SUBJECTS else index + 1}


def launch_problems(campaign):
    """What keeps a campaign's subject test from starting (none when it has no test)."""
    variants = variants_of(campaign)
    if not variants:
        return []
    problems = []
    if not MIN_SUBJECTS <= len(variants) <= MAX_SUBJECTS:
        problems.append(
            _("Un test d'objets compare de %(low)s à %(high)s objets (il y en a %(count)s).")
            % {"low": MIN_SUBJECTS, "high": MAX_SUBJECTS, "count": len(variants)}
        )
    if campaign.subject_en.strip() and campaign.body_en.strip():
        missing = [variant_label(index) for index, variant in enumerate(variants) if not variant.subject_en.strip()]
        if missing:
            problems.append(
                _("L'e-mail existe en anglais : donnez un objet anglais à %(subjects)s.")
                % {"subjects": ", ".join(str(label) for label in missing)}
            )
    return problems


def sample_draw(campaign, *, now):
    """At launch, inside its transaction: draw ``ab_sample_percent`` % of the queued invitations at random (at
    least one per subject), share them between the subjects in turn, and hold the others back until the
    decision. Returns the size of the sample (0 when the campaign has no test)."""
    variants = variants_of(campaign)
    if not MIN_SUBJECTS <= len(variants) <= MAX_SUBJECTS:
        return 0
    queued = Invitation.objects.filter(campaign=campaign, status=Status.QUEUED)
    total = queued.count()
    size = min(total, max(len(variants), math.ceil(total * campaign.ab_sample_percent / 100)))
    ids = list(queued.order_by("?").values_list("id", flat=True)[:size])
    for index, variant in enumerate(variants):
        share = ids[index :: len(variants)]
        for start in range(0, len(share), CHUNK):
            Invitation.objects.filter(id__in=share[start : start + CHUNK]).update(
                subject_variant=variant, ab_sample=True
            )
    queued.filter(ab_sample=False).update(next_attempt_at=HELD_UNTIL)
    Campaign.objects.filter(pk=campaign.pk).update(ab_decide_at=now + timedelta(hours=campaign.ab_decide_after))
    return size


def _sample_counts(campaign, variants):
    """[(successes, reached)] of each subject's sample, in the order of ``variants``, in one query."""
    rows = {
        row["subject_variant"]: row
        for row in Invitation.objects.filter(campaign=campaign, ab_sample=True)
        .values("subject_variant")
        .annotate(
            successes=Count("pk", filter=reached() & engaged(campaign.ab_metric)), reached=Count("pk", filter=reached())
        )
        .order_by()
    }
    return [
        (rows.get(variant.pk, {}).get("successes", 0), rows.get(variant.pk, {}).get("reached", 0))
        for variant in variants
    ]


def subject_test_decide(campaign, *, now=None):
    """Decide a campaign's subject test and release the rest of its audience with the chosen subject. Returns
    the Decision, or None when the test was already decided (by another clock) or there is none."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        variants = variants_of(campaign)
        if campaign.ab_decided_at is not None or campaign.ab_decide_at is None or not variants:
            return None
        if campaign.status != Campaign.Status.LIVE:
            return None  # closed in the meantime: the rest is not sent
        decision = significance.decide(_sample_counts(campaign, variants))
        winner = variants[decision.winner] if decision.winner is not None else None
        Invitation.objects.filter(
            campaign=campaign, status=Status.QUEUED, ab_sample=False, subject_variant__isnull=True
        ).update(subject_variant=winner or variants[0], next_attempt_at=None)
        Campaign.objects.filter(pk=campaign.pk).update(ab_decided_at=now, ab_winner=winner, ab_p_value=decision.p_value)
        transaction.on_commit(lambda: senders.senders_enqueue("invitations", campaign.pk))
    log.info(
        "subject test decided",
        extra={"campaign": campaign.slug, "winner": decision.winner, "p_value": decision.p_value},
    )
    return decision


def subject_tests_decide(*, now=None):
    """The minute's clock: decide every live campaign's subject test that is due. Returns the campaigns decided."""
    now = now or timezone.now()
    due = Campaign.objects.filter(status=Campaign.Status.LIVE, ab_decide_at__lte=now, ab_decided_at__isnull=True)
    return [campaign for campaign in due if subject_test_decide(campaign, now=now) is not None]


# --- the figures of a test, for the reports -----------------------------------------------------------------


@dataclass
class VariantFigures:
    """One subject's sample (or the rest of the audience): counts are None when suppressed by the privacy
    threshold, rates None when suppressed or without a denominator."""

    label: str
    subject: str
    invited: int | None
    sent: int | None
    opened: int | None
    clicked: int | None
    is_winner: bool = False

    def _rate(self, count):
        return count / self.sent if count is not None and self.sent else None

    @property
    def open_rate(self):
        return self._rate(self.opened)

    @property
    def click_rate(self):
        return self._rate(self.clicked)


@dataclass
class SubjectTest:
    metric: str
    sample_percent: int
    decide_at: datetime | None
    decided_at: datetime | None
    p_value: float | None
    variants: list
    rest: VariantFigures | None
    p_withheld: bool = False  # the test has a p-value, but a figure it rests on is suppressed

    @property
    def decision(self):
        if self.decided_at is None:
            return _("En cours : décision prévue le %(date)s.") % {
                "date": formats.date_format(timezone.localtime(self.decide_at), "SHORT_DATETIME_FORMAT")
                if self.decide_at
                else "—"
            }
        winner = next((row for row in self.variants if row.is_winner), None)
        if winner is None:
            return _("Pas de différence significative (seuil 5 %) : le reste de l'audience a reçu le premier objet.")
        return _("%(label)s gagne (différence significative au seuil de 5 %%).") % {"label": winner.label}


COLUMNS = ("invited", "sent", "opened", "clicked")


def _protected(rows):
    """``rows`` as (label, subject, counts, is_winner) -> VariantFigures through the privacy layer: every count
    under k withheld, then complementary suppression (``campaigns.privacy.suppression.Grid``) over each column
    against the campaign's total the report shows, and within each row (sent of invited, opened and clicked of
    sent), so no withheld figure comes back by subtraction."""
    grid = Grid()
    for index, (_label, _subject, counts, _winner) in enumerate(rows):
        for column in COLUMNS:
            grid.add((index, column), counts.get(column, 0))
        grid.nested((index, "invited"), (index, "sent"))
        grid.nested((index, "sent"), (index, "opened"))
        grid.nested((index, "sent"), (index, "clicked"))
    for column in COLUMNS:
        total = grid.add(("total", column), sum(row[2].get(column, 0) for row in rows), withheld=False)
        grid.relation(total, [(index, column) for index in range(len(rows))])
    grid.protect()
    return [
        VariantFigures(str(label), subject, *(grid.shown((index, column)) for column in COLUMNS), is_winner)
        for index, (label, subject, _counts, is_winner) in enumerate(rows)
    ]


def _grouped_counts(campaign):
    """{(in the sample, variant id): {"invited", "sent", "opened", "clicked"}} of a campaign, in one query."""
    aggregates = {
        "invited": Count("pk"),
        "sent": Count("pk", filter=reached()),
        "opened": Count("pk", filter=reached() & engaged(SubjectTestMetric.OPENS)),
        "clicked": Count("pk", filter=reached() & engaged(SubjectTestMetric.CLICKS)),
    }
    return {
        (row.pop("ab_sample"), row.pop("subject_variant")): row
        for row in Invitation.objects.filter(campaign=campaign, subject_variant__isnull=False)
        .exclude(status=Status.SKIPPED)
        .values("ab_sample", "subject_variant")
        .annotate(**aggregates)
        .order_by()
    }


def _rest_row(grouped, variants):
    for (in_sample, variant_pk), counts in grouped.items():
        index = next((index for index, variant in enumerate(variants) if variant.pk == variant_pk), None)
        if not in_sample and index is not None:
            label = _("Reste de l'audience (%(label)s)") % {"label": variant_label(index)}
            return (label, variants[index].subject_fr, counts, False)
    return None


def figures(campaign):
    """The campaign's subject test as the reports show it (None when it has none): each subject's sample, the
    rest of the audience, the decision and its p-value (withheld when a figure it rests on is), in one query."""
    variants = variants_of(campaign)
    if campaign.ab_decide_at is None or not variants:
        return None
    grouped = _grouped_counts(campaign)
    samples = [
        (
            variant_label(index),
            variant.subject_fr,
            grouped.get((True, variant.pk), {}),
            variant.pk == campaign.ab_winner_id,
        )
        for index, variant in enumerate(variants)
    ]
    rest = _rest_row(grouped, variants)
    *rows, rest = _protected([*samples, rest]) if rest else [*_protected(samples), None]
    metric = "opened" if campaign.ab_metric == SubjectTestMetric.OPENS else "clicked"
    compared = [row.sent for row in rows] + [getattr(row, metric) for row in rows]
    return SubjectTest(
        metric=str(SubjectTestMetric(campaign.ab_metric).label),
        sample_percent=campaign.ab_sample_percent,
        decide_at=campaign.ab_decide_at,
        decided_at=campaign.ab_decided_at,
        p_value=campaign.ab_p_value if None not in compared else None,
        variants=rows,
        rest=rest,
        p_withheld=campaign.ab_p_value is not None and None in compared,
    )
