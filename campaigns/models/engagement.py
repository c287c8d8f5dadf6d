"""Engagement across campaigns: named tiers, each ambassador's current score and tier, the compact history of
both, and one row per recompute (``campaigns.engagement``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models.audience import Ambassador


class Tier(models.Model):
    """A level of the programme, reached at ``threshold`` points; the tier with the highest threshold is the core."""

    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Utilisé par les segments."))
    name_fr = models.CharField(_("nom (français)"), max_length=60)
    name_en = models.CharField(_("nom (anglais)"), max_length=60, blank=True)
    threshold = models.PositiveIntegerField(_("seuil (points)"), unique=True)

    class Meta:
        ordering = ["threshold"]
        verbose_name = _("palier")
        verbose_name_plural = _("paliers")

    def __str__(self):
        return self.name_fr

    def name(self, locale=None):
        from campaigns.locales import localized

        return localized(self, "name", locale)


# The tables the recompute writes by the million (scores, history, tier emails) hold no foreign key in the database:
# PostgreSQL checks one row at a time (a query and a row lock on the ambassador each), which cost more than the
# whole recompute at 1,000,000 ambassadors. Django still cascades deletions; the recompute keeps them whole itself
# (it locks the tiers it reads, creates its run, and removes the rows of ambassadors deleted meanwhile).
class EngagementScore(models.Model):
    """An ambassador's score and tier as of the last recompute that changed them. Ambassadors who never took part
    have no row: their score is 0, their tier the lowest."""

    ambassador = models.OneToOneField(
        Ambassador,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="engagement",
        verbose_name=_("ambassadeur"),
        db_constraint=False,
    )
    score = models.FloatField(_("score d'engagement"), default=0)
    tier = models.ForeignKey(  # indexed by engagement_tier
        Tier,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("palier"),
        db_constraint=False,
        db_index=False,
    )
    last_activity_at = models.DateTimeField(_("dernière participation"), null=True, blank=True)
    tier_changed_at = models.DateTimeField(_("palier atteint le"), null=True, blank=True)
    # the score written to the history last time: a new history row when the score moves ENGAGEMENT_HISTORY_STEP
    recorded_score = models.FloatField(default=0)
    recorded_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(_("calculé le"))

    class Meta:
        verbose_name = _("score d'engagement")
        verbose_name_plural = _("scores d'engagement")
        # no index on the score, which changes for nearly everyone every day: without one its updates are HOT (the
        # row rewritten in its page, no index touched; the table keeps half its pages free for them, migration
        # 0020); "score at least" segments and score bands read the whole table anyway
        indexes = [
            models.Index(fields=["tier", "ambassador"], name="engagement_tier"),
            models.Index(fields=["recorded_at"], name="engagement_recorded"),
        ]


class EngagementRun(models.Model):
    """One recompute: when, how long, how many scores it wrote, and the count of ambassadors per tier."""

    started_at = models.DateTimeField(_("commencé le"))
    seconds = models.FloatField(_("durée (s)"), default=0)
    scored = models.PositiveIntegerField(_("ambassadeurs actifs"), default=0)
    changed = models.PositiveIntegerField(_("scores modifiés"), default=0)
    tiers = models.JSONField(_("ambassadeurs par palier"), default=dict)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("calcul de l'engagement")
        verbose_name_plural = _("calculs de l'engagement")


class EngagementHistory(models.Model):
    """A point of an ambassador's history: written when the tier changes or the score moved enough."""

    # indexed by engagement_history_recent; run and tier not indexed: only deleting a run or a tier looks them up
    ambassador = models.ForeignKey(
        Ambassador, on_delete=models.CASCADE, related_name="engagement_history", db_constraint=False, db_index=False
    )
    run = models.ForeignKey(
        EngagementRun, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False, db_index=False
    )
    score = models.FloatField(_("score"))
    tier = models.ForeignKey(
        Tier, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False, db_index=False
    )
    recorded_at = models.DateTimeField(_("le"))

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("historique d'engagement")
        verbose_name_plural = _("historiques d'engagement")
        indexes = [models.Index(fields=["ambassador", "-recorded_at"], name="engagement_history_recent")]


class TierEmail(models.Model):
    """The email telling an ambassador they reached a tier: at most one per ambassador and tier, ever (climbing
    back to a tier after falling is not news). Written by the recompute, sent by ``campaigns.engagement.emails``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        SENT = "sent", _("Envoyé")
        SKIPPED = "skipped", _("Non envoyé")

    class SkipReason(models.TextChoices):
        NOT_CONTACTABLE = "not_contactable", _("Ne peut être contacté")
        FREQUENCY_CAP = "frequency_cap", _("Trop sollicité récemment")
        NO_LINK = "no_link", _("Aucune invitation pour le lien de désinscription")
        FAILED = "failed", _("Refusé par le serveur")

    ambassador = models.ForeignKey(
        Ambassador, on_delete=models.CASCADE, related_name="tier_emails", db_constraint=False, db_index=False
    )  # indexed by tier_email_once
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    skip_reason = models.CharField(_("raison"), max_length=20, choices=SkipReason.choices, blank=True, default="")
    created_at = models.DateTimeField(_("créé le"))
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail de palier")
        verbose_name_plural = _("e-mails de palier")
        constraints = [models.UniqueConstraint(fields=["ambassador", "tier"], name="tier_email_once")]
        indexes = [
            models.Index(fields=["status", "id"], name="tier_email_queued", condition=models.Q(status="queued")),
            models.Index(fields=["ambassador", "sent_at"], name="tier_email_recent"),
        ]
