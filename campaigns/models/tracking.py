"""What happened to an email after it left: each open of its pixel and each fetch of its links, kept raw with
what it was classified as and why (``campaigns.tracking.classify``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models.delivery import Invitation


class TrackingKind(models.TextChoices):
    OPEN = "open", _("ouverture de l'e-mail")
    CLICK = "click", _("clic sur le lien")
    DECOY = "decoy", _("lien piège")


class TrackingVerdict(models.TextChoices):
    PERSON = "person", _("personne")
    PROXY = "proxy", _("relais d'images (ouverture réelle)")
    PREFETCH = "prefetch", _("préchargement (protection de la vie privée)")
    SCANNER = "scanner", _("analyseur de sécurité")


class TrackingEvent(models.Model):
    """One fetch of an invitation's pixel (an open), personal link (a click) or hidden decoy link. ``network`` is
    the client's /24 (IPv4) or /48 (IPv6), never the full address; ``agent`` its User-Agent, cut short. Both are
    blanked when the ambassador is erased or the campaign's retention period ends."""

    Kind = TrackingKind
    Verdict = TrackingVerdict
    HUMAN = (TrackingVerdict.PERSON, TrackingVerdict.PROXY)  # what estimated-human figures count

    # Looked up by the (invitation, at) index: no index of its own to maintain on every open.
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="tracking_events", db_index=False)
    kind = models.CharField(_("type"), max_length=5, choices=TrackingKind.choices)
    at = models.DateTimeField(_("le"))
    verdict = models.CharField(_("classement"), max_length=8, choices=TrackingVerdict.choices)
    reason = models.CharField(_("règle"), max_length=40, blank=True, default="")
    target = models.CharField(_("lien"), max_length=20, blank=True, default="")
    agent = models.CharField(_("agent"), max_length=300, blank=True, default="")
    network = models.CharField(_("réseau"), max_length=50, blank=True, default="")

    class Meta:
        verbose_name = _("événement de suivi")
        verbose_name_plural = _("événements de suivi")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=TrackingKind.values), name="event_kind_known"),
            models.CheckConstraint(
                condition=models.Q(verdict__in=TrackingVerdict.values),
                name="event_verdict_known",
            ),
        ]
        indexes = [models.Index(fields=["invitation", "at"], name="event_invitation_at")]

    def __str__(self):
        return f"{self.kind} {self.verdict} {self.at:%Y-%m-%d %H:%M:%S}"
