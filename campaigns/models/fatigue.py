"""Less fatigue: what each ambassador chose to receive, and a log of the emails other than invitations and reminders
(whose own tables already say when they were sent), so that the frequency cap counts every email."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models.audience import Ambassador


class IdeaNews(models.TextChoices):
    EACH_TIME = "each", _("Chaque fois")
    WEEKLY = "weekly", _("Un résumé hebdomadaire")


class ContactPreference(models.Model):
    """An ambassador's choice, made on the preference page their emails link to. No row: each time."""

    ambassador = models.OneToOneField(
        Ambassador, primary_key=True, on_delete=models.CASCADE, related_name="contact_preference"
    )
    idea_news = models.CharField(
        _("nouvelles des idées"), max_length=6, choices=IdeaNews.choices, default=IdeaNews.EACH_TIME
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("préférence de contact")
        verbose_name_plural = _("préférences de contact")
        indexes = [models.Index(fields=["idea_news"], name="preference_idea_news")]


class ContactLog(models.Model):
    """One email sent to an ambassador other than an invitation or a reminder: idea news, the weekly digest, a tier
    email."""

    class Kind(models.TextChoices):
        IDEA_NEWS = "idea_news", _("Nouvelle d'une idée")
        DIGEST = "digest", _("Résumé hebdomadaire")
        TIER = "tier", _("Nouveau palier")

    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(_("envoyé le"))

    class Meta:
        verbose_name = _("e-mail envoyé")
        verbose_name_plural = _("e-mails envoyés")
        indexes = [models.Index(fields=["ambassador", "sent_at"], name="contact_ambassador_recent")]
