"""The API's own rows: the clients' keys (stored hashed), the webhook subscriptions and their deliveries."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.roles import ROLES


class Role(models.TextChoices):
    """The four staff roles (``campaigns.roles``): a key acts with the permissions of one of them."""

    PRODUCT_TEAM = ROLES[0], _("Équipe produit")
    EDITOR = ROLES[1], _("Rédaction")
    MODERATOR = ROLES[2], _("Modération")
    ANALYST = ROLES[3], _("Analyse")


class ApiKey(models.Model):
    """One client's key. Only its prefix (to find it) and the SHA-256 of its secret part are kept: the key is shown
    once, when it is made. It acts through its own account (``user``), member of its role's group only, so every
    permission check, figure through the privacy layer and audit entry treats it as a staff member of that role."""

    name = models.CharField(_("client"), max_length=100, unique=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    prefix = models.CharField(_("préfixe"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_key", editable=False
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernier appel"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("clé d'API")
        verbose_name_plural = _("clés d'API")
        constraints = [models.CheckConstraint(condition=models.Q(role__in=ROLES), name="apikey_role_known")]

    def __str__(self):
        return f"{self.name} ({self.prefix})"


class WebhookEvent(models.TextChoices):
    RESPONSE_SUBMITTED = "response.submitted", _("Réponse envoyée")
    IDEA_POSTED = "idea.posted", _("Idée publiée")
    IDEA_STATUS_CHANGED = "idea.status_changed", _("Statut d'une idée modifié")
    OPT_OUT = "ambassador.opted_out", _("Désinscription")
    BOUNCE = "ambassador.bounced", _("Adresse rejetée")
    CAMPAIGN_CLOSED = "campaign.closed", _("Campagne close")


def webhook_secret():
    """A new subscription's signing secret (shown to its owner in the admin, to configure the receiver)."""
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookSubscription(models.Model):
    """A client's URL that receives one event, signed with ``secret``. ``role`` bounds the personal data in the
    payloads: an ambassador's email and CRM id only for a role that may read identities."""

    name = models.CharField(_("nom"), max_length=100)
    url = models.URLField(_("adresse"), max_length=500)
    event = models.CharField(_("événement"), max_length=30, choices=WebhookEvent.choices)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    secret = models.CharField(_("secret"), max_length=100, default=webhook_secret, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        ordering = ["name", "event"]
        verbose_name = _("abonnement webhook")
        verbose_name_plural = _("abonnements webhook")
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=ROLES), name="webhooksubscription_role_known"),
            models.CheckConstraint(
                condition=models.Q(event__in=[value for value, _label in WebhookEvent.choices]),
                name="webhooksubscription_event_known",
            ),
        ]

    def __str__(self):
        return f"{self.name} : {self.get_event_display()}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    RETRYING = "retrying", _("Nouvel essai prévu")
    DELIVERED = "delivered", _("Remis")
    FAILED = "failed", _("Abandonné")


class WebhookDelivery(models.Model):
    """One event for one subscription: its body (sent as is at every attempt, so the signature covers the same
    bytes), its attempts and what the last one got back."""

    Status = DeliveryStatus

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("événement"), max_length=30, choices=WebhookEvent.choices)
    source_key = models.CharField(max_length=100, editable=False)  # what happened, once per subscription
    body = models.TextField(_("contenu"))
    status = models.CharField(_("état"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    next_attempt_at = models.DateTimeField(_("prochain essai"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("dernier code HTTP"), null=True, blank=True)
    last_error = models.CharField(_("dernière erreur"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("remise le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("envoi webhook")
        verbose_name_plural = _("envois webhook")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "source_key"], name="webhookdelivery_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="webhookdelivery_status_known"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhookdelivery_due")]

    def __str__(self):
        return f"{self.get_event_display()} #{self.pk}"


class WebhookCursor(models.Model):
    """How far the collection of one event has read: the moment and id of the last row turned into deliveries."""

    event = models.CharField(max_length=30, choices=WebhookEvent.choices, unique=True)
    last_at = models.DateTimeField()
    last_id = models.BigIntegerField(default=0)
