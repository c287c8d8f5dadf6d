"""Reports keep one thing of their own: the workbook exports run by django-q2, with their progress and file.

Who may read reports is the ``reports.view_report`` permission (held by the product team and analysts)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign


class ExportStatus(models.TextChoices):
    """Where an export is (``ExportJob.Status``); at module level so the constraints can name its values."""

    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class ExportJob(models.Model):
    """One export of a campaign's report, written by a task: its progress, then the file to download."""

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Classeur Excel")
        CSV = "csv", _("CSV")

    Status = ExportStatus

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("campagne")
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices, default=Format.XLSX)
    table = models.CharField(_("tableau"), max_length=20, blank=True, help_text=_("Pour un CSV : le tableau exporté."))
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveBigIntegerField(_("lignes à écrire"), null=True, blank=True)
    rows_done = models.PositiveBigIntegerField(_("lignes écrites"), default=0)
    file_path = models.CharField(max_length=500, blank=True, editable=False)
    file_name = models.CharField(_("fichier"), max_length=200, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("demandé par"),
    )
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export de rapport")
        verbose_name_plural = _("exports de rapports")
        permissions = [("view_report", _("Voir les rapports des campagnes"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ExportStatus.values), name="exportjob_status_known"),
            models.CheckConstraint(condition=models.Q(format__in=["xlsx", "csv"]), name="exportjob_format_known"),
        ]
        indexes = [models.Index(fields=["campaign", "-created_at"], name="exportjob_campaign_recent")]

    def __str__(self):
        return f"{self.campaign} ({self.get_format_display()}, {self.get_status_display()})"

    @property
    def is_finished(self):
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))


class WeeklyReport(models.Model):
    """A weekly report emailed to a campaign's owner: one per campaign and week, so a retried or repeated run of
    the schedule never sends it twice."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="weekly_reports", verbose_name=_("campagne")
    )
    week = models.DateField(_("semaine du"))
    recipient = models.EmailField(_("destinataire"))
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        ordering = ["-week"]
        verbose_name = _("rapport hebdomadaire")
        verbose_name_plural = _("rapports hebdomadaires")
        constraints = [models.UniqueConstraint(fields=["campaign", "week"], name="weekly_report_once_a_week")]


class TextAnalysis(models.Model):
    """The language and sentiment of one free-text answer, written in batches by the ``reports: listening``
    schedule (``reports.listening.batch``), so surveys need not know about it. Holds nothing personal: once its
    answer is deleted (an edited answer, an erasure) the next run of the schedule deletes it."""

    class Sentiment(models.TextChoices):
        NEGATIVE = "negative", _("négatif")
        NEUTRAL = "neutral", _("neutre")
        POSITIVE = "positive", _("positif")

    # No cascade: deleting answers (as answering does) stays one fast DELETE; the schedule removes what they leave.
    answer = models.OneToOneField(
        "surveys.Answer",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="analysis",
        verbose_name=_("réponse"),
    )
    language = models.CharField(_("langue"), max_length=2)
    sentiment = models.CharField(_("sentiment"), max_length=8, choices=Sentiment.choices)
    score = models.FloatField(_("score de sentiment"))
    analysed_at = models.DateTimeField(_("analysée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("analyse d'un texte")
        verbose_name_plural = _("analyses de textes")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=-1, score__lte=1), name="text_analysis_score_range")
        ]


class ContributionAnalysis(models.Model):
    """The language and sentiment of one idea (its title and description) or one comment, written as it arrives
    (a django-q2 task queued when it is saved) and in bulk by the ``reports: listening`` schedule and
    ``manage.py analyse_campaign``. Holds nothing personal, and goes with its idea or comment."""

    idea = models.OneToOneField(
        "ideas.Idea", null=True, blank=True, on_delete=models.CASCADE, related_name="analysis", verbose_name=_("idée")
    )
    comment = models.OneToOneField(
        "ideas.Comment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="analysis",
        verbose_name=_("commentaire"),
    )
    language = models.CharField(_("langue"), max_length=2)
    sentiment = models.CharField(_("sentiment"), max_length=8, choices=TextAnalysis.Sentiment.choices)
    score = models.FloatField(_("score de sentiment"))
    analysed_at = models.DateTimeField(_("analysée le"), auto_now=True)

    class Meta:
        verbose_name = _("analyse d'une contribution")
        verbose_name_plural = _("analyses de contributions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(idea__isnull=False, comment__isnull=True)
                | models.Q(idea__isnull=True, comment__isnull=False),
                name="contribution_analysis_one_target",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=-1, score__lte=1), name="contribution_analysis_score_range"
            ),
        ]
