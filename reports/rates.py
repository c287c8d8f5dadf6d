"""The funnel of a campaign and its rates, defined once here and written in the report itself.

Counts come from ``Invitation`` timestamps by aggregate queries (conditional ``COUNT``s, ``GROUP BY``): the whole
campaign in one query, each segment in one, each ambassador attribute in one, the days in one per event. An
invitation skipped by the frequency cap was never an invitation to anyone: it counts nowhere.

Privacy: a row (the campaign, a segment, a region, an age band) about fewer than ``PRIVACY_THRESHOLD`` invited
ambassadors shows no figure at all; a day's count of fewer ambassadors is suppressed on its own. Suppressed
figures are None.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.audience.segments import saved_segment_condition
from campaigns.models import AgeBand, Ambassador, Invitation, Region
from campaigns.privacy import is_shown, shown

Status = Invitation.Status

# (key, label, definition, condition on Invitation)
STEPS = [
    (
        "invited",
        _("Invités"),
        _("Invitations de la campagne (hors ambassadeurs non invités car trop sollicités)."),
        Q(),
    ),
    ("sent", _("Envoyés"), _("Invitations dont l'e-mail est parti."), Q(sent_at__isnull=False)),
    (
        "delivered",
        _("Distribués"),
        _("Envoyés moins les rejetés par le serveur du destinataire."),
        Q(sent_at__isnull=False) & ~Q(status=Status.BOUNCED),
    ),
    (
        "opened",
        _("Ouverts"),
        _("Au moins une ouverture de l'e-mail (image de suivi chargée ou lien suivi)."),
        Q(first_opened_at__isnull=False),
    ),
    (
        "human_opened",
        _("Ouverts (humains estimés)"),
        _(
            "Ouvertures par une personne ou par le relais d'images de sa messagerie (Gmail, Yahoo, Outlook), sans "
            "les préchargements ni les analyseurs de sécurité (voir la méthode)."
        ),
        Q(first_human_open_at__isnull=False),
    ),
    (
        "clicked",
        _("Ont cliqué"),
        _("Ont suivi au moins une fois leur lien personnel."),
        Q(first_clicked_at__isnull=False),
    ),
    (
        "human_clicked",
        _("Ont cliqué (humains estimés)"),
        _("Ont suivi leur lien personnel eux-mêmes, sans les analyseurs de sécurité (voir la méthode)."),
        Q(first_human_click_at__isnull=False),
    ),
    (
        "answered",
        _("Ont répondu"),
        _("Ont envoyé le questionnaire ou contribué (idée, vote, commentaire)."),
        Q(responded_at__isnull=False),
    ),
    (
        "opted_out",
        _("Désinscrits"),
        _("Se sont désinscrits depuis cette invitation."),
        Q(unsubscribed_at__isnull=False),
    ),
    (
        "bounced",
        _("Rejetés"),
        _("E-mails rejetés par le serveur du destinataire (adresse invalide, boîte pleine...)."),
        Q(status=Status.BOUNCED),
    ),
]
STEP_KEYS = [key for key, *_rest in STEPS]
STEP_LABELS = {key: label for key, label, *_rest in STEPS}


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    numerator: str
    denominator: str
    definition: str
    reference: float | None = None


RATES = [
    Rate("open_rate", _("Taux d'ouverture"), "opened", "delivered", _("Ouverts / distribués."), 0.20),
    Rate(
        "human_open_rate",
        _("Taux d'ouverture humaine estimé"),
        "human_opened",
        "delivered",
        _("Ouverts par un humain (estimation) / distribués."),
    ),
    Rate("click_rate", _("Taux de clic"), "clicked", "delivered", _("Ont cliqué / distribués.")),
    Rate(
        "human_click_rate",
        _("Taux de clic humain estimé"),
        "human_clicked",
        "delivered",
        _("Ont cliqué eux-mêmes (estimation) / distribués."),
    ),
    Rate("click_to_open_rate", _("Taux de clic des ouverts"), "clicked", "opened", _("Ont cliqué / ouverts.")),
    Rate("response_rate", _("Taux de réponse"), "answered", "delivered", _("Ont répondu / distribués."), 0.10),
    Rate("opt_out_rate", _("Taux de désinscription"), "opted_out", "delivered", _("Désinscrits / distribués.")),
    Rate("bounce_rate", _("Taux de rejet"), "bounced", "sent", _("Rejetés / envoyés.")),
]
RATE_BY_KEY = {rate.key: rate for rate in RATES}


# Raw, machine and estimated-human figures side by side, with the method (campaigns.tracking.classify) written
# next to them: machines = raw - estimated humans, counted in invitations.
@dataclass(frozen=True)
class Engagement:
    key: str
    label: str
    raw: str  # step keys
    human: str
    method: str


ENGAGEMENT = [
    Engagement(
        "opens",
        _("Ouvertures"),
        "opened",
        "human_opened",
        _(
            "Brut : toute image de suivi chargée ou lien suivi. Machines : préchargements d'Apple Mail (protection "
            "de la vie privée : adresses d'Apple, agent générique, à la distribution), analyseurs de sécurité "
            "(agents et réseaux publiés de Proofpoint, Microsoft, Mimecast, Barracuda, Symantec ; requêtes HEAD), "
            "ouvertures sans autre signe juste après la distribution, et clics de machines. Humains estimés : "
            "les autres, dont les relais d'images de Gmail, Yahoo et Outlook (une ouverture réelle, comptée une "
            "fois par message). Les consultations par l'équipe (boîte d'envoi, aperçu) ne comptent jamais."
        ),
    ),
    Engagement(
        "clicks",
        _("Clics"),
        "clicked",
        "human_clicked",
        _(
            "Brut : tout suivi du lien personnel. Machines : analyseurs de sécurité reconnus à leur agent ou à "
            "leur réseau publié, requêtes HEAD, clics dans les premières secondes après la distribution, liens "
            "d'un même message suivis à quelques secondes d'intervalle, et clics autour du lien piège invisible "
            "qu'aucune personne ne peut voir ni suivre. Humains estimés : les autres clics."
        ),
    ),
]


def engagement(row):
    """[(engagement, raw, machine, estimated human)] of a funnel row; None where the row is suppressed."""
    lines = []
    for item in ENGAGEMENT:
        raw, human = row.counts.get(item.raw), row.counts.get(item.human)
        machine = None if raw is None or human is None else raw - human
        lines.append((item, raw, machine, human))
    return lines


def reference_text(rate):
    return _("Une bonne consultation d'ambassadeurs dépasse %(percent)s %%.") % {"percent": round(rate.reference * 100)}


ATTRIBUTES = {
    "region": (_("Région"), Region),
    "age_band": (_("Tranche d'âge"), AgeBand),
}


def ratio(numerator, denominator):
    """numerator / denominator, or None when either is suppressed or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


@dataclass
class FunnelRow:
    """The funnel of one group: counts by step (None when suppressed) and the rates they give."""

    label: str
    counts: dict
    suppressed: bool = False
    key: str = ""
    rates: dict = field(init=False)

    def __post_init__(self):
        self.rates = {
            rate.key: ratio(self.counts.get(rate.numerator), self.counts.get(rate.denominator)) for rate in RATES
        }

    def __getitem__(self, key):
        return self.rates[key] if key in self.rates else self.counts[key]


def _aggregates():
    return {key: Count("pk", filter=condition) if condition else Count("pk") for key, _label, _text, condition in STEPS}


def _row(label, counts, key=""):
    """A funnel row, every figure suppressed when the group of invited ambassadors is too small."""
    counts = {step: counts.get(step) or 0 for step in STEP_KEYS}
    if not is_shown(counts["invited"]):
        return FunnelRow(label, dict.fromkeys(STEP_KEYS), suppressed=True, key=key)
    return FunnelRow(label, counts, key=key)


def campaign_invitations(campaign):
    """The invitations the report counts: the campaign's, those skipped by the frequency cap left out."""
    return Invitation.objects.filter(campaign=campaign).exclude(status=Status.SKIPPED)


def funnel(campaign):
    """The campaign's funnel, in one aggregate query."""
    return _row(str(campaign), campaign_invitations(campaign).aggregate(**_aggregates()), key="campaign")


def funnel_by_segment(campaign):
    """One row per targeted segment (its members as they are now), one aggregate query per segment."""
    rows = []
    for segment in campaign.segments.prefetch_related("rules").order_by("name"):
        members = Ambassador.objects.filter(saved_segment_condition(segment)).filter(pk=OuterRef("ambassador_id"))
        counts = campaign_invitations(campaign).filter(Exists(members)).aggregate(**_aggregates())
        rows.append(_row(segment.name, counts, key=str(segment.pk)))
    return rows


def funnel_by_attribute(campaign, attribute):
    """One row per value of an ambassador attribute (``region``, ``age_band``), in one GROUP BY query; the
    values in the order of their choices, the ambassadors without one last."""
    _label, choices = ATTRIBUTES[attribute]
    grouped = {
        row.pop("value"): row
        for row in campaign_invitations(campaign)
        .values(value=F(f"ambassador__{attribute}"))
        .annotate(**_aggregates())
        .order_by()
    }
    labels = dict(choices.choices)
    order = [value for value in labels if value in grouped] + sorted(value for value in grouped if value not in labels)
    return [_row(str(labels.get(value) or _("Non renseigné")), grouped[value], key=value) for value in order]


# (key, timestamp field) of the events counted per day
DAILY = [
    ("sent", "sent_at"),
    ("opened", "first_opened_at"),
    ("human_opened", "first_human_open_at"),
    ("clicked", "first_clicked_at"),
    ("human_clicked", "first_human_click_at"),
    ("answered", "responded_at"),
    ("opted_out", "unsubscribed_at"),
]


def funnel_by_day(campaign):
    """[{"day": date, "sent": n, "opened": n, ...}] in date order, days in the site's time zone, one GROUP BY
    query per event; each count smaller than the privacy threshold is None."""
    zone = timezone.get_current_timezone()
    days = {}
    for key, stamp in DAILY:
        per_day = (
            campaign_invitations(campaign)
            .filter(**{f"{stamp}__isnull": False})
            .values(day=TruncDate(stamp, tzinfo=zone))
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in per_day:
            days.setdefault(row["day"], dict.fromkeys(key for key, _stamp in DAILY))[key] = row["n"]
    return [
        {"day": day, **{key: shown(counts[key] or 0) for key, _stamp in DAILY}} for day, counts in sorted(days.items())
    ]


def definitions():
    """[(label, definition)] of every step and rate, for the report and the workbook."""
    steps = [(label, text) for _key, label, text, _condition in STEPS]
    rates = [
        (rate.label, f"{rate.definition} {reference_text(rate)}" if rate.reference else rate.definition)
        for rate in RATES
    ]
    return steps + rates
