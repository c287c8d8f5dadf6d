"""The sending state of each email: invitations (one per ambassador and campaign) and reminder deliveries."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models.audience import Ambassador
from campaigns.models.campaigns import Campaign, Reminder, SubjectVariant


class Delivery(models.Model):
    """The sending state of one email: claimed by a sender, sent once, retried with backoff on transient errors.
    Counters and texts have database defaults, so set-based INSERT ... SELECT statements can leave them out.

    The state only moves forward: queued -> sending -> sent -> (delivered | bounced), or failed, or skipped.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        SENDING = "sending", _("En cours d'envoi")
        SENT = "sent", _("Envoyé")
        DELIVERED = "delivered", _("Distribué")
        BOUNCED = "bounced", _("Rejeté par le destinataire")
        FAILED = "failed", _("Échec")
        SKIPPED = "skipped", _("Non envoyé")

    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), db_default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, db_default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    possible_duplicates = models.PositiveSmallIntegerField(_("doublons possibles"), db_default=0)
    last_error = models.CharField(_("dernière erreur"), max_length=300, blank=True, db_default="")
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("distribué le"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("rejeté le"), null=True, blank=True)
    failed_at = models.DateTimeField(_("échec le"), null=True, blank=True)

    class Meta:
        abstract = True


class Invitation(Delivery):
    """One ambassador invited to one campaign: the personal link, the first email, and what they did with it."""

    class SkipReason(models.TextChoices):
        FREQUENCY_CAP = "frequency_cap", _("Trop sollicité récemment")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    # None once the retention period of a closed campaign is over (campaigns.retention): nobody's any more.
    ambassador = models.ForeignKey(Ambassador, null=True, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, editable=False)
    skip_reason = models.CharField(_("raison"), max_length=20, choices=SkipReason.choices, blank=True, db_default="")
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    first_opened_at = models.DateTimeField(_("première ouverture"), null=True, blank=True)
    first_human_open_at = models.DateTimeField(_("première ouverture humaine estimée"), null=True, blank=True)
    open_count = models.PositiveIntegerField(_("ouvertures"), db_default=0)
    first_clicked_at = models.DateTimeField(_("premier clic"), null=True, blank=True)
    click_count = models.PositiveIntegerField(_("clics"), db_default=0)
    first_human_click_at = models.DateTimeField(_("premier clic humain estimé"), null=True, blank=True)
    responded_at = models.DateTimeField(_("a répondu le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désinscrit le"), null=True, blank=True)
    # A subject test: the subject this invitation was (or will be) sent with, and whether it was in the sample
    # drawn at launch (the others wait for the decision, then get the winning subject).
    subject_variant = models.ForeignKey(
        SubjectVariant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
        verbose_name=_("objet testé"),
    )
    ab_sample = models.BooleanField(_("dans l'échantillon du test d'objets"), db_default=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "ambassador"], name="invitation_once_per_campaign"),
            models.CheckConstraint(
                condition=models.Q(status__in=Delivery.Status.values),
                name="invitation_status_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    status__in=[Delivery.Status.SENT, Delivery.Status.DELIVERED, Delivery.Status.BOUNCED]
                )
                | models.Q(sent_at__isnull=False),
                name="invitation_sent_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "id"], name="invitation_campaign_status"),
            models.Index(fields=["ambassador", "created_at"], name="invitation_ambassador_recent"),
            models.Index(fields=["status", "claimed_at"], name="invitation_claims"),
            models.Index(fields=["campaign", "ab_sample", "subject_variant"], name="invitation_subject_test"),
        ]

    def __str__(self):
        return f"{self.campaign} → {self.ambassador}"


class ReminderDelivery(Delivery):
    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="reminder_deliveries")

    class Meta:
        verbose_name = _("relance envoyée")
        verbose_name_plural = _("relances envoyées")
        constraints = [
            models.UniqueConstraint(fields=["reminder", "invitation"], name="reminder_delivery_once"),
        ]
        indexes = [
            models.Index(fields=["reminder", "status", "id"], name="reminder_delivery_status"),
            models.Index(fields=["status", "claimed_at"], name="reminder_delivery_claims"),
        ]


class RateBucket(models.Model):
    """The sending pace kept in the database when no Redis is configured (campaigns.sending.pace): for the site
    and for each capped domain, the theoretical arrival time of the next email (GCRA), in microseconds."""

    name = models.CharField(max_length=255, primary_key=True)
    tat = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("cadence d'envoi")
        verbose_name_plural = _("cadences d'envoi")
