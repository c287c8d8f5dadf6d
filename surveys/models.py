"""Product-concept surveys: a Survey (the concept, then sections of questions), and the ambassadors' Responses
stored as one Answer row per atomic value, so per-question figures are GROUP BY queries."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, PreviewableMixin

from campaigns.locales import localized
from campaigns.models import Campaign, Invitation, Locale
from surveys.types import kind_choices, kind_enum, kinds_where, question_type

CODE_HELP = _(
    "Lettres, chiffres, tirets et soulignés ; unique dans le questionnaire. Sert de colonne dans les exports."
)


class Survey(PreviewableMixin, ClusterableModel):
    campaign = models.OneToOneField(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey",
        limit_choices_to={"kind__in": [Campaign.Kind.SURVEY, Campaign.Kind.BOTH]},
        verbose_name=_("campagne"),
        help_text=_("Le questionnaire auquel mène le lien personnel des ambassadeurs invités à cette campagne."),
    )
    title_fr = models.CharField(_("titre (français)"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    concept_fr = RichTextField(
        _("concept présenté (français)"), blank=True, features=["h2", "h3", "bold", "italic", "ol", "ul", "link"]
    )
    concept_en = RichTextField(
        _("concept présenté (anglais)"), blank=True, features=["h2", "h3", "bold", "italic", "ol", "ul", "link"]
    )
    concept_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("image du concept"),
    )
    concept_image_alt_fr = models.CharField(_("description de l'image (français)"), max_length=250, blank=True)
    concept_image_alt_en = models.CharField(_("description de l'image (anglais)"), max_length=250, blank=True)
    thank_you_fr = models.TextField(_("message de remerciement (français)"), blank=True)
    thank_you_en = models.TextField(_("message de remerciement (anglais)"), blank=True)
    anonymous = models.BooleanField(
        _("anonyme"),
        default=True,  # the safer choice, the one a new survey starts from: identities are opted into
        help_text=_(
            "Coché (par défaut) : les résultats et les exports ne relient jamais les réponses à l'identité des "
            "ambassadeurs (ni adresse, ni date précise, ni numéro d'invitation), et les ambassadeurs répondent plus "
            "franchement. Décochez seulement si l'équipe doit recontacter une personne au sujet de sa réponse : "
            "l'export de l'équipe produit donnera alors l'adresse e-mail à côté des réponses ; dites-le aux "
            "ambassadeurs dans l'introduction."
        ),
    )
    allow_uploads = models.BooleanField(
        _("envoi de fichiers autorisé"),
        default=False,
        help_text=_(
            "Permet les questions « envoi de fichier ». Les fichiers restent privés : seul le personnel qui voit "
            "les ambassadeurs les télécharge."
        ),
    )
    source = models.CharField(_("origine"), max_length=200, blank=True, editable=False)
    import_report = models.JSONField(_("rapport d'import"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self):
        return self.title_fr

    def title(self, locale=None):
        return localized(self, "title", locale)

    def get_preview_template(self, request, mode_name):
        return "surveys/admin/builder_preview.html"

    def get_preview_context(self, request, mode_name):
        from surveys.builder_preview import preview_pages

        return {**super().get_preview_context(request, mode_name), "pages": preview_pages(self)}

    def clean(self):
        if not self.allow_uploads and self.pk and self.questions.filter(kind="file_upload").exists():
            raise ValidationError(
                {
                    "allow_uploads": _(
                        "Des questions de ce questionnaire demandent un fichier : changez-les ou supprimez-les "
                        "avant d'interdire l'envoi de fichiers."
                    )
                }
            )
        if self.campaign_id and self.campaign.kind == Campaign.Kind.IDEATION:
            raise ValidationError(
                {
                    "campaign": _(
                        "Cette campagne ne recueille que des idées : choisissez une campagne de type questionnaire."
                    )
                }
            )


class Condition(models.Model):
    """Shown only when an earlier answer matches: the answer to ``show_if_question`` contains one of the values
    (choice codes; "oui"/"non" for yes/no; numbers for scales; "*" for any answer). Evaluated on the server."""

    show_if_question = models.ForeignKey(
        "surveys.Question",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("seulement si la question"),
        help_text=_("Une question d'une page précédente du même questionnaire."),
    )
    show_if_values = models.CharField(
        _("a pour réponse l'une de"),
        max_length=500,
        blank=True,
        help_text=_("Codes de choix, « oui » ou « non », nombres, séparés par des virgules ; « * » : toute réponse."),
    )

    class Meta:
        abstract = True

    @property
    def condition_values(self):
        return {value.strip().lower() for value in self.show_if_values.split(",") if value.strip()}


SHOW_WHEN_HELP = _(
    "Condition sur les réponses précédentes et l'ambassadeur, par exemple "
    'Q3 > 2 and ambassador.region == "bre" ; vide : toujours montré. '
    "S'ajoute à la condition « seulement si la question » quand les deux sont données."
)


def show_when_field():
    return models.TextField(_("montré quand"), blank=True, help_text=SHOW_WHEN_HELP)


class Section(Orderable, ClusterableModel, Condition):
    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="sections")
    title_fr = models.CharField(_("titre (français)"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    intro_fr = models.TextField(_("introduction (français)"), blank=True)
    intro_en = models.TextField(_("introduction (anglais)"), blank=True)
    show_when = show_when_field()

    class Meta(Orderable.Meta):
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self):
        return f"{self.survey} — {self.title_fr}"

    def title(self, locale=None):
        return localized(self, "title", locale)

    def intro(self, locale=None):
        return localized(self, "intro", locale)


class Question(ClusterableModel, Condition):
    Kind = kind_enum()  # Question.Kind.SINGLE == "single": the types of surveys.types
    WITH_CHOICES = kinds_where("has_choices")
    WITH_OTHER = kinds_where("has_other")

    sort_order_field = "sort_order"  # the builder's questions are dragged (or moved by keyboard) into order

    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("questionnaire"))
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("page"))
    sort_order = models.PositiveIntegerField(_("ordre dans la page"), default=0)
    in_bank = models.BooleanField(
        _("dans la banque de questions"),
        default=False,
        help_text=_("Proposée dans le constructeur de chaque questionnaire, pour être ajoutée telle quelle."),
    )
    code = models.CharField(_("code"), max_length=40, help_text=CODE_HELP)
    kind = models.CharField(_("type"), max_length=40, choices=kind_choices, default="single")
    text_fr = models.TextField(_("question (français)"))
    text_en = models.TextField(_("question (anglais)"), blank=True)
    help_fr = models.TextField(_("aide (français)"), blank=True)
    help_en = models.TextField(_("aide (anglais)"), blank=True)
    required = models.BooleanField(_("réponse obligatoire"), default=False)
    dropdown = models.BooleanField(
        _("liste déroulante"), default=False, help_text=_("Choix unique : une liste déroulante plutôt que des boutons.")
    )
    allow_other = models.BooleanField(_("choix « Autre » avec un champ texte"), default=False)
    randomize = models.BooleanField(_("choix dans un ordre aléatoire"), default=False)
    min_choices = models.PositiveSmallIntegerField(_("choix minimum"), null=True, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("choix maximum"), null=True, blank=True)
    min_value = models.DecimalField(_("valeur minimale"), max_digits=14, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("valeur maximale"), max_digits=14, decimal_places=4, null=True, blank=True)
    points = models.PositiveSmallIntegerField(
        _("nombre de points"), null=True, blank=True, help_text=_("Note sur une échelle : de 2 à 11 points.")
    )
    low_label_fr = models.CharField(_("libellé du bas (français)"), max_length=100, blank=True)
    low_label_en = models.CharField(_("libellé du bas (anglais)"), max_length=100, blank=True)
    high_label_fr = models.CharField(_("libellé du haut (français)"), max_length=100, blank=True)
    high_label_en = models.CharField(_("libellé du haut (anglais)"), max_length=100, blank=True)
    settings = models.JSONField(
        _("réglages du type"), default=dict, blank=True, help_text=_("Ce que seul ce type de question règle.")
    )
    show_when = show_when_field()

    class Meta:
        ordering = ["section__sort_order", "sort_order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_unique_in_survey"),
            models.CheckConstraint(
                condition=models.Q(points__isnull=True) | models.Q(points__gte=2, points__lte=11),
                name="question_points_range",
            ),
            models.CheckConstraint(
                condition=models.Q(min_choices__isnull=True)
                | models.Q(max_choices__isnull=True)
                | models.Q(min_choices__lte=models.F("max_choices")),
                name="question_choices_min_le_max",
            ),
            models.CheckConstraint(
                condition=models.Q(min_value__isnull=True)
                | models.Q(max_value__isnull=True)
                | models.Q(min_value__lte=models.F("max_value")),
                name="question_values_min_le_max",
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.text_fr[:80]}"

    def text(self, locale=None):
        return localized(self, "text", locale)

    def help(self, locale=None):
        return localized(self, "help", locale)

    def low_label(self, locale=None):
        return localized(self, "low_label", locale)

    def high_label(self, locale=None):
        return localized(self, "high_label", locale)

    def clean(self):
        errors = {}
        if self.section_id and self.survey_id and self.section.survey_id != self.survey_id:
            errors["section"] = _("Cette page appartient à un autre questionnaire.")
        if self.kind in dict(kind_choices()):
            errors.update(question_type(self.kind).clean(self))
        if self.min_choices is not None and self.max_choices is not None and self.min_choices > self.max_choices:
            errors["max_choices"] = _("Le maximum est inférieur au minimum.")
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            errors["max_value"] = _("Le maximum est inférieur au minimum.")
        if self.show_if_question_id:
            earlier = self.show_if_question
            if earlier.survey_id != self.survey_id or (
                self.section_id and earlier.section.sort_order >= self.section.sort_order
            ):
                errors["show_if_question"] = _("La condition doit porter sur une question d'une page précédente.")
        if self.pk and self.answers.exists():
            stored = Question.objects.filter(pk=self.pk).values_list("kind", flat=True).first()
            if stored != self.kind:
                errors["kind"] = _("Des ambassadeurs ont déjà répondu : le type de la question ne change plus.")
        if errors:
            raise ValidationError(errors)


class Option(Orderable):
    code = models.CharField(_("code"), max_length=40)
    label_fr = models.CharField(_("libellé (français)"), max_length=300)
    label_en = models.CharField(_("libellé (anglais)"), max_length=300, blank=True)
    show_when = show_when_field()

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return self.label_fr

    def label(self, locale=None):
        return localized(self, "label", locale)


class Choice(Option):
    """An answer option; for a Likert scale, a point of the scale; for a matrix, a column of the shared scale."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")

    class Meta(Option.Meta):
        verbose_name = _("choix")
        verbose_name_plural = _("choix")
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="choice_code_unique_in_question")]


class MatrixRow(Option):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="rows")

    class Meta(Option.Meta):
        verbose_name = _("ligne")
        verbose_name_plural = _("lignes")
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="row_code_unique_in_question")]


class Response(models.Model):
    """One per invitation (the database enforces it); saved page by page, submitted once, editable until the
    campaign closes."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="survey_response")
    locale = models.CharField(_("langue"), max_length=2, choices=Locale.choices, default=Locale.FR)
    started_at = models.DateTimeField(_("commencée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    submitted_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    resume_page = models.PositiveSmallIntegerField(_("page où reprendre"), default=1)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        indexes = [models.Index(fields=["survey", "submitted_at"], name="response_survey_submitted")]


class Answer(models.Model):
    """One atomic value of a response: the choice picked (one row per choice for a multiple choice, per matrix
    row, per ranked choice with its rank in ``number``), a number (scale, NPS, number; 1/0 for yes/no; the
    point of a Likert choice), a date, or a text (free text, or the text of "other" with no choice)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    row = models.ForeignKey(MatrixRow, null=True, blank=True, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(Choice, null=True, blank=True, on_delete=models.CASCADE, related_name="answers")
    number = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("réponse à une question")
        verbose_name_plural = _("réponses aux questions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(choice__isnull=False)
                | models.Q(number__isnull=False)
                | models.Q(date__isnull=False)
                | ~models.Q(text=""),
                name="answer_has_a_value",
            ),
        ]
        indexes = [
            models.Index(fields=["question", "choice"], name="answer_question_choice"),
            models.Index(fields=["question", "number"], name="answer_question_number"),
            models.Index(fields=["response", "question"], name="answer_response_question"),
        ]
