"""Campaigns, their reminders, and the email texts both carry."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from campaigns.models.audience import Segment
from campaigns.sending.emails import unknown_placeholders


def address_list(raw):
    """The addresses of a list written by staff, separated by commas, semicolons, spaces or new lines."""
    return [item.strip().lower() for item in re.split(r"[,;\s]+", raw or "") if item.strip()]


def validate_address_list(raw):
    wrong = []
    for address in address_list(raw):
        try:
            validate_email(address)
        except ValidationError:
            wrong.append(address)
    if wrong:
        raise ValidationError(
            ngettext("Adresse non valable : %(wrong)s.", "Adresses non valables : %(wrong)s.", len(wrong))
            % {"wrong": ", ".join(wrong)}
        )
    if len(address_list(raw)) > 20:
        raise ValidationError(_("Au plus 20 adresses de test."))


class EmailTemplate(models.Model):
    """Subject and body of an email in French and English. Placeholders: {prenom}, {campagne}, {lien},
    {date_cloture} (or {first_name}, {campaign}, {link}, {closing_date})."""

    subject_fr = models.CharField(_("objet (français)"), max_length=200, blank=True)
    body_fr = models.TextField(_("message (français)"), blank=True)
    subject_en = models.CharField(_("objet (anglais)"), max_length=200, blank=True)
    body_en = models.TextField(_("message (anglais)"), blank=True)

    class Meta:
        abstract = True

    @property
    def has_email(self):
        return bool(self.subject_fr.strip() and self.body_fr.strip())

    def clean(self):
        errors = {}
        for name in ("subject_fr", "body_fr", "subject_en", "body_en"):
            unknown = unknown_placeholders(getattr(self, name))
            if unknown:
                errors[name] = _(
                    "Variable(s) inconnue(s) : %(unknown)s. Possibles : {prenom}, {campagne}, {lien}, {date_cloture}."
                ) % {"unknown": ", ".join(f"{{{name}}}" for name in unknown)}
        if errors:
            raise ValidationError(errors)


class CampaignStatus(models.TextChoices):
    """Where a campaign is (``Campaign.Status``); at module level so the model's constraints can name its values."""

    DRAFT = "draft", _("Brouillon")
    SCHEDULED = "scheduled", _("Programmée")
    LIVE = "live", _("En cours")
    CLOSED = "closed", _("Close")
    ARCHIVED = "archived", _("Archivée")


class SubjectTestMetric(models.TextChoices):
    """What a subject test compares between its subjects (``campaigns.sending.subject_tests``)."""

    OPENS = "opens", _("Ouvertures (humaines estimées)")
    CLICKS = "clicks", _("Clics")


LAUNCHED = [CampaignStatus.LIVE, CampaignStatus.CLOSED, CampaignStatus.ARCHIVED]


class Campaign(ClusterableModel, EmailTemplate):
    class Kind(models.TextChoices):
        IDEATION = "ideation", _("Idées")
        SURVEY = "survey", _("Questionnaire")
        BOTH = "both", _("Questionnaire et idées")

    Status = CampaignStatus
    Metric = SubjectTestMetric

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    theme = models.CharField(_("thème"), max_length=200, blank=True)
    description = models.TextField(
        _("description interne"), blank=True, help_text=_("Pour l'équipe : jamais montrée aux ambassadeurs.")
    )
    summary_fr = models.TextField(
        _("présentation publique (français)"),
        blank=True,
        help_text=_("Ce que les ambassadeurs lisent de la campagne sur sa page d'accueil, sous son titre."),
    )
    summary_en = models.TextField(_("présentation publique (anglais)"), blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.BOTH)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(
        _("ouverture"), null=True, blank=True, help_text=_("Date d'envoi des invitations d'une campagne programmée.")
    )
    closes_at = models.DateTimeField(_("clôture"), null=True, blank=True)
    send_from = models.TimeField(
        _("envoi à partir de"),
        null=True,
        blank=True,
        help_text=_("Heure de Paris. Vide : la fenêtre d'envoi du site. Début et fin identiques : toute la journée."),
    )
    send_until = models.TimeField(_("envoi jusqu'à"), null=True, blank=True, help_text=_("Heure de Paris."))
    send_weekends = models.BooleanField(
        _("envoi le week-end"), null=True, blank=True, help_text=_("Inconnu : le réglage du site.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_campaigns",
        verbose_name=_("responsable"),
    )
    segments = models.ManyToManyField(Segment, blank=True, related_name="campaigns", verbose_name=_("segments ciblés"))
    is_template = models.BooleanField(
        _("modèle de campagne"),
        default=False,
        help_text=_(
            "Un modèle ne se lance pas : dupliquez-le pour partir de ses textes, de ses réglages et de ses pages."
        ),
    )
    reserved_tiers = models.ManyToManyField(
        "Tier",
        blank=True,
        related_name="reserved_campaigns",
        verbose_name=_("accès en avant-première"),
        help_text=_("Réservée à ces paliers : seuls leurs ambassadeurs sont invités. Aucun : ouverte à tous."),
    )
    reply_to = models.EmailField(_("adresse de réponse"), blank=True)
    test_recipients = models.TextField(
        _("destinataires des e-mails de test"),
        blank=True,
        validators=[validate_address_list],
        help_text=_("Adresses séparées par des virgules ou des retours à la ligne (l'équipe, un relecteur...)."),
    )
    launched_at = models.DateTimeField(_("lancée le"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True, editable=False)
    deidentified_at = models.DateTimeField(
        _("invitations anonymisées le"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Passé le délai de conservation, les invitations ne sont plus rattachées à personne."),
    )
    ab_metric = models.CharField(
        _("critère du test d'objets"),
        max_length=10,
        choices=SubjectTestMetric.choices,
        default=SubjectTestMetric.OPENS,
        help_text=_("Ce qui départage les objets : les ouvertures humaines estimées ou les clics."),
    )
    ab_sample_percent = models.PositiveSmallIntegerField(
        _("part de l'audience testée (%)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Tirée au hasard au lancement et partagée également entre les objets."),
    )
    ab_decide_after = models.PositiveSmallIntegerField(
        _("décision après (heures)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_("Le reste de l'audience reçoit ensuite l'objet gagnant (le premier, sans différence nette)."),
    )
    ab_decide_at = models.DateTimeField(_("décision du test prévue le"), null=True, blank=True, editable=False)
    ab_decided_at = models.DateTimeField(_("test d'objets décidé le"), null=True, blank=True, editable=False)
    ab_winner = models.ForeignKey(
        "SubjectVariant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("objet gagnant"),
    )
    ab_p_value = models.FloatField(_("valeur p du test"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__isnull=True)
                | models.Q(opens_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="campaign_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=LAUNCHED) | models.Q(launched_at__isnull=False),
                name="campaign_launched_before_live",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=CampaignStatus.SCHEDULED) | models.Q(opens_at__isnull=False),
                name="campaign_scheduled_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CampaignStatus.values),
                name="campaign_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(ab_sample_percent__gte=1, ab_sample_percent__lte=100),
                name="campaign_ab_sample_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(ab_metric__in=SubjectTestMetric.values), name="campaign_ab_metric_known"
            ),
        ]
        indexes = [models.Index(fields=["status", "opens_at"], name="campaign_status_opens")]

    def __str__(self):
        return self.title

    @property
    def audience_locked(self):
        """Once launched, the audience of a campaign no longer changes."""
        return self.status not in {self.Status.DRAFT, self.Status.SCHEDULED}

    @property
    def is_open(self):
        """Live and not past its closing date: ambassadors can take part."""
        return self.status == self.Status.LIVE and not (self.closes_at and self.closes_at <= timezone.now())

    @property
    def is_public(self):
        """Launched: its pages show to anyone (before that, to staff only)."""
        return self.audience_locked


class Reminder(EmailTemplate):
    """A reminder sent some days after launch to the invited who have not answered."""

    campaign = ParentalKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    days_after = models.PositiveSmallIntegerField(_("jours après le lancement"), default=3)
    started_at = models.DateTimeField(_("envoyé le"), null=True, editable=False)

    class Meta:
        ordering = ["days_after"]
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "days_after"], name="reminder_once_per_day"),
            models.CheckConstraint(condition=models.Q(days_after__gte=1), name="reminder_after_a_day"),
        ]

    def __str__(self):
        return _("Relance à J+%(days)s") % {"days": self.days_after}


class SubjectVariant(Orderable):
    """One of the two to four subjects of a campaign's subject test: the invitation's body stays the campaign's.
    The first one (in the form's order) is sent to the rest of the audience when no subject wins."""

    campaign = ParentalKey(Campaign, on_delete=models.CASCADE, related_name="subject_variants")
    subject_fr = models.CharField(_("objet (français)"), max_length=200)
    subject_en = models.CharField(
        _("objet (anglais)"),
        max_length=200,
        blank=True,
        help_text=_("Obligatoire quand la campagne a un e-mail en anglais."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("objet testé")
        verbose_name_plural = _("objets testés")

    def __str__(self):
        return self.subject_fr

    def clean(self):
        errors = {}
        for name in ("subject_fr", "subject_en"):
            unknown = unknown_placeholders(getattr(self, name))
            if unknown:
                errors[name] = _("Variable(s) inconnue(s) : %(unknown)s.") % {
                    "unknown": ", ".join(f"{{{name}}}" for name in unknown)
                }
        if errors:
            raise ValidationError(errors)
