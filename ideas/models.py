"""Ideation: a campaign's Board (its settings, categories), Ideas (ambassadors' and staff's, including pinned
questions and roadmap items), Votes, Comments, abuse reports, status changes with official answers, badges.

Counts shown on every list (votes, comments) are columns kept exact by the writes that change them, so a page
of ideas is one query whatever the size of the board."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from campaigns.locales import localized
from campaigns.models import Ambassador, Campaign


class Moderation(models.TextChoices):
    PENDING = "pending", _("À modérer")
    APPROVED = "approved", _("Publiée")
    HIDDEN = "hidden", _("Masquée")
    REJECTED = "rejected", _("Refusée")


class Board(ClusterableModel):
    """The idea board of an ideation campaign: how it is moderated, its categories, its vote budget."""

    class Mode(models.TextChoices):
        PRE = "pre", _("Avant publication (les contributions paraissent une fois approuvées)")
        POST = "post", _("Après publication (les contributions paraissent tout de suite)")

    campaign = models.OneToOneField(
        Campaign,
        on_delete=models.CASCADE,
        related_name="board",
        verbose_name=_("campagne"),
        limit_choices_to={"kind__in": [Campaign.Kind.IDEATION, Campaign.Kind.BOTH]},
    )
    intro_fr = models.TextField(_("introduction (français)"), blank=True)
    intro_en = models.TextField(_("introduction (anglais)"), blank=True)
    moderation = models.CharField(_("modération"), max_length=4, choices=Mode.choices, default=Mode.POST)
    vote_budget = models.PositiveSmallIntegerField(
        _("votes par ambassadeur"),
        null=True,
        blank=True,
        help_text=_("Vide : autant de votes que d'idées. Sinon, chaque ambassadeur dispose de ce nombre de votes."),
    )
    show_leaderboard = models.BooleanField(_("classement des contributeurs"), default=True)

    class Meta:
        verbose_name = _("espace d'idées")
        verbose_name_plural = _("espaces d'idées")

    def __str__(self):
        return str(self.campaign)


class Category(Orderable):
    board = ParentalKey(Board, on_delete=models.CASCADE, related_name="categories")
    slug = models.SlugField(_("identifiant"), max_length=60)
    name_fr = models.CharField(_("nom (français)"), max_length=100)
    name_en = models.CharField(_("nom (anglais)"), max_length=100, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        constraints = [models.UniqueConstraint(fields=["board", "slug"], name="category_slug_unique_in_board")]

    def __str__(self):
        return self.name_fr

    def name(self, locale="fr"):
        return localized(self, "name", locale)


class IdeaStatus(models.TextChoices):
    """Where an idea is (``Idea.Status``); at module level so the model's indexes can name its values."""

    NEW = "new", _("Nouvelle")
    UNDER_REVIEW = "under_review", _("À l'étude")
    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", pgettext_lazy("idea status", "En cours")
    DELIVERED = "delivered", _("Réalisée")
    DECLINED = "declined", _("Non retenue")


# An adopted idea: planned, in progress or delivered (the roadmap's columns, in this order).
ADOPTED = [IdeaStatus.PLANNED, IdeaStatus.IN_PROGRESS, IdeaStatus.DELIVERED]


class Idea(models.Model):
    Status = IdeaStatus

    class Kind(models.TextChoices):
        IDEA = "idea", _("Idée")
        QUESTION = "question", _("Question de l'équipe")
        ROADMAP = "roadmap", _("Projet de la feuille de route")
        ASK = "ask", _("Question à l'équipe")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ideas", verbose_name=_("campagne"))
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas", verbose_name=_("catégorie")
    )
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices, default=Kind.IDEA)
    title = models.CharField(_("titre"), max_length=140)
    body = models.TextField(_("description"), max_length=5000, blank=True)
    author = models.ForeignKey(
        Ambassador,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
        verbose_name=_("auteur (ambassadeur)"),
    )
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
        verbose_name=_("auteur (équipe)"),
    )
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.NEW)
    moderation = models.CharField(
        _("modération"), max_length=8, choices=Moderation.choices, default=Moderation.APPROVED
    )
    moderation_reason = models.CharField(_("motif de modération"), max_length=500, blank=True)
    pinned = models.BooleanField(_("épinglée"), default=False)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
        verbose_name=_("fusionnée dans"),
    )
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    comment_count = models.PositiveIntegerField(_("commentaires"), default=0)
    # Trending order: log-sum-exp of the vote times, in seconds (see ideas.voting); higher is hotter.
    trend = models.FloatField(default=0.0, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("idée")
        verbose_name_plural = _("idées")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(author__isnull=True) | models.Q(author_user__isnull=True), name="idea_one_author"
            ),
            models.CheckConstraint(condition=~models.Q(merged_into=models.F("pk")), name="idea_not_merged_into_itself"),
        ]
        indexes = [
            models.Index(fields=["campaign", "moderation", "-vote_count", "-id"], name="idea_top"),
            models.Index(fields=["campaign", "moderation", "-created_at", "-id"], name="idea_newest"),
            models.Index(fields=["campaign", "moderation", "-trend", "-id"], name="idea_trending"),
            models.Index(fields=["campaign", "status"], name="idea_campaign_status"),
            models.Index(fields=["author", "campaign"], name="idea_author"),
            models.Index(fields=["campaign"], condition=models.Q(pinned=True), name="idea_pinned"),
            # the roadmap of cms: ideas planned, in progress or delivered, across campaigns, most supported first
            models.Index(
                fields=["status", "-vote_count", "-id"],
                name="idea_roadmap",
                condition=models.Q(status__in=ADOPTED),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def by_staff(self):
        return self.author_user_id is not None


class Vote(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    # None once the campaign is past retention (campaigns.audience.retention): counted, nobody's any more
    ambassador = models.ForeignKey(Ambassador, null=True, on_delete=models.CASCADE, related_name="idea_votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["idea", "ambassador"], name="vote_once_per_idea")]
        indexes = [
            models.Index(fields=["ambassador", "idea"], name="vote_ambassador"),
            models.Index(fields=["idea", "created_at"], name="vote_idea_time"),
        ]


class Comment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", verbose_name=_("en réponse à")
    )
    author = models.ForeignKey(
        Ambassador, null=True, blank=True, on_delete=models.SET_NULL, related_name="idea_comments"
    )
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="idea_comments"
    )
    body = models.TextField(_("commentaire"), max_length=3000)
    moderation = models.CharField(
        _("modération"), max_length=8, choices=Moderation.choices, default=Moderation.APPROVED
    )
    moderation_reason = models.CharField(_("motif de modération"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("écrit le"), auto_now_add=True)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(author__isnull=True) | models.Q(author_user__isnull=True), name="comment_one_author"
            )
        ]
        indexes = [models.Index(fields=["idea", "moderation", "created_at"], name="comment_idea")]

    @property
    def by_staff(self):
        return self.author_user_id is not None


class AbuseReport(models.Model):
    """An ambassador flags an idea or a comment; moderators resolve it from their queue."""

    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="abuse_reports")
    reason = models.CharField(_("motif"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("signalé le"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(idea__isnull=False, comment__isnull=True)
                | models.Q(idea__isnull=True, comment__isnull=False),
                name="report_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "idea"], condition=models.Q(idea__isnull=False), name="report_once_per_idea"
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=models.Q(comment__isnull=False),
                name="report_once_per_comment",
            ),
        ]


class StatusChange(models.Model):
    """The history of an idea's status, each change with its official answer."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=Idea.Status.choices)
    to_status = models.CharField(max_length=12, choices=Idea.Status.choices)
    answer_fr = models.TextField(_("réponse officielle (français)"))
    answer_en = models.TextField(_("réponse officielle (anglais)"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")

    def answer(self, locale="fr"):
        return localized(self, "answer", locale)


class Contributor(models.Model):
    """How an ambassador appears on boards: the name shown, or not at all on leaderboards."""

    ambassador = models.OneToOneField(Ambassador, on_delete=models.CASCADE, related_name="contributor")
    display_name = models.CharField(_("nom affiché"), max_length=60, blank=True)
    hide_from_leaderboards = models.BooleanField(_("ne pas figurer dans les classements"), default=False)


class Award(models.Model):
    class Badge(models.TextChoices):
        FIRST_IDEA = "first_idea", _("Première idée")
        FIRST_VOTE = "first_vote", _("Premier vote")
        IDEA_ADOPTED = "idea_adopted", _("Idée adoptée")
        TOP_CONTRIBUTOR = "top_contributor", _("Contributeur de la campagne")
        SURVEYS_ANSWERED = "surveys_answered", _("Fidèle aux questionnaires")

    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="awards")
    badge = models.CharField(max_length=20, choices=Badge.choices)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        constraints = [
            models.UniqueConstraint(
                fields=["ambassador", "badge", "campaign"],
                name="award_once_per_campaign",
                condition=models.Q(campaign__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["ambassador", "badge"], name="award_once", condition=models.Q(campaign__isnull=True)
            ),
        ]


class AnswerRating(models.Model):
    """An ambassador's rating of the team's official answer to a question asked on the board (an ``Idea`` of kind
    ``ASK``; the answer is a ``StatusChange``): useful or not, with an optional comment that moderation applies to."""

    change = models.ForeignKey(StatusChange, on_delete=models.CASCADE, related_name="ratings")
    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="answer_ratings")
    useful = models.BooleanField(_("utile"))
    comment = models.TextField(_("commentaire"), max_length=1000, blank=True)
    moderation = models.CharField(
        _("modération"), max_length=8, choices=Moderation.choices, default=Moderation.APPROVED
    )
    created_at = models.DateTimeField(_("noté le"), auto_now=True)

    class Meta:
        verbose_name = _("avis sur une réponse")
        verbose_name_plural = _("avis sur les réponses")
        constraints = [models.UniqueConstraint(fields=["change", "ambassador"], name="answer_rating_once")]
