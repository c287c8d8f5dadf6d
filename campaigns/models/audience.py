"""Who is asked: ambassadors, the products and tags they are segmented on, segments, and their imports."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable


class Locale(models.TextChoices):
    FR = "fr", _("Français")
    EN = "en", _("Anglais")


class Region(models.TextChoices):
    AUVERGNE_RHONE_ALPES = "ara", _("Auvergne-Rhône-Alpes")
    BOURGOGNE_FRANCHE_COMTE = "bfc", _("Bourgogne-Franche-Comté")
    BRETAGNE = "bre", _("Bretagne")
    CENTRE_VAL_DE_LOIRE = "cvl", _("Centre-Val de Loire")
    CORSE = "cor", _("Corse")
    GRAND_EST = "ges", _("Grand Est")
    HAUTS_DE_FRANCE = "hdf", _("Hauts-de-France")
    ILE_DE_FRANCE = "idf", _("Île-de-France")
    NORMANDIE = "nor", _("Normandie")
    NOUVELLE_AQUITAINE = "naq", _("Nouvelle-Aquitaine")
    OCCITANIE = "occ", _("Occitanie")
    PAYS_DE_LA_LOIRE = "pdl", _("Pays de la Loire")
    PROVENCE_ALPES_COTE_D_AZUR = "pac", _("Provence-Alpes-Côte d'Azur")
    OUTRE_MER = "dom", _("Outre-mer")
    ETRANGER = "etr", _("Étranger")


class AgeBand(models.TextChoices):
    A18_24 = "18-24", _("18 à 24 ans")
    A25_34 = "25-34", _("25 à 34 ans")
    A35_44 = "35-44", _("35 à 44 ans")
    A45_54 = "45-54", _("45 à 54 ans")
    A55_64 = "55-64", _("55 à 64 ans")
    A65_PLUS = "65+", _("65 ans et plus")


class Product(models.Model):
    """A product of the bank's catalogue that an ambassador may hold (segments filter on it)."""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Identifiant court utilisé dans les fichiers d'import, par exemple livret-a."),
    )
    name = models.CharField(_("nom"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("produit")
        verbose_name_plural = _("produits")

    def __str__(self):
        return self.name


class Tag(models.Model):
    """A free label on ambassadors; stored in lower case so that 'Early' and 'early' are one tag."""

    name = models.CharField(_("nom"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("étiquette")
        verbose_name_plural = _("étiquettes")
        constraints = [models.CheckConstraint(condition=models.Q(name=Lower("name")), name="tag_name_lower_case")]

    def __str__(self):
        return self.name


class Ambassador(models.Model):
    email = models.EmailField(_("adresse e-mail"), max_length=254, unique=True)
    external_id = models.CharField(  # noqa: DJ001 - NULL when unset, so that the unique index ignores it
        _("identifiant externe"),
        max_length=64,
        null=True,
        blank=True,
        help_text=_("L'identifiant de l'ambassadeur dans le CRM de la banque (unique quand il est renseigné)."),
    )
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    locale = models.CharField(_("langue"), max_length=2, choices=Locale.choices, default=Locale.FR)
    region = models.CharField(_("région"), max_length=3, choices=Region.choices, blank=True)
    age_band = models.CharField(_("tranche d'âge"), max_length=5, choices=AgeBand.choices, blank=True)
    customer_since = models.DateField(_("client depuis"), null=True, blank=True)
    products = models.ManyToManyField(
        Product, through="AmbassadorProduct", blank=True, verbose_name=_("produits détenus")
    )
    tags = models.ManyToManyField(Tag, through="AmbassadorTag", blank=True, verbose_name=_("étiquettes"))
    consent_at = models.DateTimeField(_("consentement donné le"), null=True, blank=True)
    opted_out_at = models.DateTimeField(_("désinscrit le"), null=True, blank=True)
    email_bounced_at = models.DateTimeField(
        _("adresse rejetée le"),
        null=True,
        blank=True,
        help_text=_("Un rejet définitif (adresse inexistante) : plus aucun e-mail n'est envoyé à cette adresse."),
    )
    soft_bounce_count = models.PositiveSmallIntegerField(
        _("refus temporaires d'affilée"),
        db_default=0,
        editable=False,
        help_text=_("Refus temporaires (4.x.x) de suite au moment de l'envoi ; un envoi réussi le remet à zéro."),
    )
    email_paused_at = models.DateTimeField(
        _("adresse suspendue le"),
        null=True,
        blank=True,
        help_text=_("Trop de refus temporaires de suite : plus aucun e-mail n'est envoyé à cette adresse."),
    )
    erased_at = models.DateTimeField(_("données effacées le"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("ambassadeur")
        verbose_name_plural = _("ambassadeurs")
        constraints = [
            # Emails are stored in lower case, so the unique index compares them case-insensitively.
            models.CheckConstraint(condition=models.Q(email=Lower("email")), name="ambassador_email_lower_case"),
            # Unique when set: an empty identifier is stored as NULL, and NULLs never collide.
            models.UniqueConstraint(fields=["external_id"], name="ambassador_external_id_once"),
            models.CheckConstraint(condition=~models.Q(external_id=""), name="ambassador_external_id_not_empty"),
        ]
        indexes = [
            models.Index(fields=["region"], name="ambassador_region"),
            models.Index(fields=["age_band"], name="ambassador_age_band"),
            models.Index(fields=["customer_since"], name="ambassador_customer_since"),
            models.Index(fields=["last_name", "first_name", "id"], name="ambassador_name_order"),
        ]

    def __str__(self):
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name} <{self.email}>" if name else self.email


# The link tables index each pair both ways (the unique constraint, then the reverse index), which serves every
# look-up by either column: the single-column indexes Django would add for the foreign keys would only cost
# every insert (an import of a million ambassadors writes two million products). The products' lines hold no
# foreign key in the database either: PostgreSQL checks each line's two at the commit, one query and one row lock
# each, which cost the import more than the lines' insert; the import writes only products it read from the
# catalogue and ambassadors it inserted or updated in the same transaction, and Django still cascades deletions.
class AmbassadorProduct(models.Model):
    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, db_index=False, db_constraint=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, db_index=False, db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ambassador", "product"], name="ambassador_product_once")]
        indexes = [models.Index(fields=["product", "ambassador"], name="product_ambassador")]


class AmbassadorTag(models.Model):
    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, db_index=False)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ambassador", "tag"], name="ambassador_tag_once")]
        indexes = [models.Index(fields=["tag", "ambassador"], name="tag_ambassador")]


class Segment(ClusterableModel):
    """A named audience: a saved filter on ambassador attributes, or a static list of ambassadors."""

    class Kind(models.TextChoices):
        RULES = "rules", _("Filtre sur les attributs")
        STATIC = "static", _("Liste fixe")

    class Match(models.TextChoices):
        ALL = "all", _("Toutes les conditions")
        ANY = "any", _("Au moins une condition")

    name = models.CharField(_("nom"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.RULES)
    match = models.CharField(_("correspondance"), max_length=3, choices=Match.choices, default=Match.ALL)
    members = models.ManyToManyField(Ambassador, through="SegmentMember", blank=True, related_name="static_segments")
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self):
        return self.name


class SegmentRule(Orderable):
    """One condition of a rule-based segment. ``value`` holds codes separated by commas, or one date."""

    class Attribute(models.TextChoices):
        REGION_IN = "region_in", _("Région parmi")
        AGE_BAND_IN = "age_band_in", _("Tranche d'âge parmi")
        LOCALE_IS = "locale_is", _("Langue")
        HOLDS_PRODUCT = "holds_product", _("Détient au moins un produit parmi")
        LACKS_PRODUCT = "lacks_product", _("Ne détient aucun produit parmi")
        HAS_TAG = "has_tag", _("A au moins une étiquette parmi")
        CUSTOMER_BEFORE = "customer_before", _("Client depuis avant le")
        CUSTOMER_AFTER = "customer_after", _("Client depuis le ou après le")
        SCORE_AT_LEAST = "score_at_least", _("Score d'engagement au moins")
        TIER_IS = "tier_is", _("Palier parmi")

    segment = ParentalKey(Segment, on_delete=models.CASCADE, related_name="rules")
    attribute = models.CharField(_("critère"), max_length=20, choices=Attribute.choices)
    value = models.CharField(
        _("valeurs"),
        max_length=1000,
        help_text=_("Codes séparés par des virgules (par exemple idf, bre), ou une date AAAA-MM-JJ ou JJ/MM/AAAA."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")

    def __str__(self):
        return f"{self.get_attribute_display()} {self.value}"


class SegmentMember(models.Model):  # indexed both ways, as the link tables above
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, db_index=False)
    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["segment", "ambassador"], name="segment_member_once")]
        indexes = [models.Index(fields=["ambassador", "segment"], name="member_segment")]


class AmbassadorImport(models.Model):
    """One import of an ambassador file, started from the admin; its progress and report."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        VALIDATING = "validating", _("Vérification")
        WRITING = "writing", _("Enregistrement")
        DONE = "done", _("Terminé")
        REJECTED = "rejected", _("Refusé, rien n'a été enregistré")
        FAILED = "failed", _("Échec")

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, verbose_name=_("par")
    )
    file_name = models.CharField(_("fichier"), max_length=255)
    stored_path = models.CharField(max_length=500, editable=False)
    update_existing = models.BooleanField(_("mettre à jour les existants"), default=False)
    keep_valid = models.BooleanField(_("garder les lignes valides"), default=False)
    dry_run = models.BooleanField(_("simulation"), default=False)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(_("lignes"), null=True)
    rows_done = models.PositiveIntegerField(_("lignes traitées"), default=0)
    created_count = models.PositiveIntegerField(_("créés"), default=0)
    updated_count = models.PositiveIntegerField(_("mis à jour"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejetés"), default=0)
    fatal_error = models.TextField(_("erreur"), blank=True)
    errors = models.JSONField(_("lignes rejetées"), default=list, blank=True)
    # The rejected rows as files to fix and import again (CSV, and XLSX for a workbook), kept like an export:
    # EXPORT_RETENTION_DAYS days, and deleted with the erasure of someone they name.
    rejected_csv = models.CharField(max_length=500, blank=True, editable=False)
    rejected_xlsx = models.CharField(max_length=500, blank=True, editable=False)
    finished_at = models.DateTimeField(_("terminé le"), null=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import d'ambassadeurs")
        verbose_name_plural = _("imports d'ambassadeurs")

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self):
        return self.status in {self.Status.DONE, self.Status.REJECTED, self.Status.FAILED}

    @property
    def percent(self):
        if self.is_finished:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))
