"""The local outbox's kept emails."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """An email kept by the local outbox backend instead of being sent (the embedded default, for demos)."""

    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True, db_index=True)
    from_email = models.CharField(_("expéditeur"), max_length=254)
    to = models.TextField(_("destinataires"))
    subject = models.CharField(_("objet"), max_length=998)
    message = models.BinaryField(_("message"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("e-mail de la boîte d'envoi")
        verbose_name_plural = _("boîte d'envoi")

    def __str__(self):
        return self.subject
