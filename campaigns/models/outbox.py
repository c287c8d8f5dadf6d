"""The local outbox's kept emails."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxAudience(models.TextChoices):
    AMBASSADORS = "ambassadors", _("ambassadeurs")
    STAFF = "staff", _("équipe")


class OutboxMessage(models.Model):
    """An email kept by the local outbox backend instead of being sent (the embedded default, for demos).

    Ambassadors' mail is read by those who may read the outbox (the product team); staff mail (anything sent to
    the address of a staff account: password resets, Wagtail's workflow notifications, weekly reports, test
    sends) only by ``addressee`` and superusers, by superusers alone when no single account has that address."""

    Audience = OutboxAudience

    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True, db_index=True)
    from_email = models.CharField(_("expéditeur"), max_length=254)
    to = models.TextField(_("destinataires"))
    subject = models.CharField(_("objet"), max_length=998)
    message = models.BinaryField(_("message"))
    audience = models.CharField(_("pour"), max_length=12, choices=Audience.choices, default=Audience.STAFF)
    addressee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte destinataire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("e-mail de la boîte d'envoi")
        verbose_name_plural = _("boîte d'envoi")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(addressee__isnull=True) | models.Q(audience=OutboxAudience.STAFF),
                name="outbox_addressee_only_on_staff_mail",
            )
        ]

    def __str__(self):
        return self.subject
