"""The funnel of a campaign and its rates, defined once here and written in the report itself.

Counts come from ``Invitation`` timestamps by aggregate queries (conditional ``COUNT``s, ``GROUP BY``): the whole
campaign in one query, each segment in one, each ambassador attribute in one, the days in one per event. An
invitation skipped by the frequency cap was never an invitation to anyone: it counts nowhere.

Privacy (``campaigns.privacy``): every count of every row (each step, not only "invited") is withheld under
``PRIVACY_THRESHOLD``, and cells are withheld in addition so that none can be had back by subtraction: a step
from the step before it, a region from the campaign minus the other regions, a day from the campaign's total,
a segment from the segment holding it (``campaigns.privacy.funnel``). Withheld figures are None.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.audience.segments import saved_segment_condition
from campaigns.models import AgeBand, Ambassador, Invitation, Region
from campaigns.privacy import funnel as funnel_privacy

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
    """A funnel row of protected counts (None when withheld)."""
    if all(counts[step] is None for step in STEP_KEYS):
        return FunnelRow(label, counts, suppressed=True, key=key)
    return FunnelRow(label, counts, key=key)


def campaign_invitations(campaign):
    """The invitations the report counts: the campaign's, those skipped by the frequency cap left out."""
    return Invitation.objects.filter(campaign=campaign).exclude(status=Status.SKIPPED)


def campaign_counts(campaign):
    """{step: count} of the whole campaign, unprotected (one aggregate query)."""
    return campaign_invitations(campaign).aggregate(**_aggregates())


def funnel(campaign, *, total=None):
    """The campaign's funnel, in one aggregate query (none when ``total``, its ``campaign_counts``, is given),
    protected on its own (``campaigns.privacy.funnel``)."""
    grid = funnel_privacy.campaign_grid(total or campaign_counts(campaign), STEP_KEYS)
    return _row(str(campaign), funnel_privacy.protected(grid, "campaign", STEP_KEYS), key="campaign")


def _segment_members(segment):
    return Exists(Ambassador.objects.filter(saved_segment_condition(segment)).filter(pk=OuterRef("ambassador_id")))


def funnel_by_segment(campaign, *, total=None):
    """One row per targeted segment (its members as they are now), one aggregate query per segment and one for
    which segment holds which. A segment is a subset of the campaign, and of any segment holding all of it:
    its figures are protected against theirs, so two segments differing by one rule give no one away."""
    segments = list(campaign.segments.prefetch_related("rules").order_by("name"))
    grid = funnel_privacy.with_campaign(total or campaign_counts(campaign), STEP_KEYS)
    members = {segment.pk: _segment_members(segment) for segment in segments}
    for segment in segments:
        counts = campaign_invitations(campaign).filter(members[segment.pk]).aggregate(**_aggregates())
        funnel_privacy.add_row(grid, segment.pk, counts, STEP_KEYS)
        funnel_privacy.subsets(grid, segment.pk, STEP_KEYS)
    pairs = [(inner, outer) for inner in segments for outer in segments if inner.pk != outer.pk]
    if pairs:
        outside = campaign_invitations(campaign).aggregate(
            **{
                f"n{inner.pk}_{outer.pk}": Count("pk", filter=Q(members[inner.pk]) & ~Q(members[outer.pk]))
                for inner, outer in pairs
            }
        )
        for inner, outer in pairs:
            if not outside[f"n{inner.pk}_{outer.pk}"]:
                funnel_privacy.subsets(grid, inner.pk, STEP_KEYS, within=outer.pk)
    grid.protect()
    return [
        _row(segment.name, funnel_privacy.protected(grid, segment.pk, STEP_KEYS), key=str(segment.pk))
        for segment in segments
    ]


def funnel_by_attribute(campaign, attribute, *, total=None):
    """One row per value of an ambassador attribute (``region``, ``age_band``), in one GROUP BY query (and one
    for the campaign): every value of the choices, in their order, those without one last, present or not (a
    row shown only when someone is in it would tell that someone is). Rows add up to the campaign."""
    _label, choices = ATTRIBUTES[attribute]
    grouped = {}
    for row in (
        campaign_invitations(campaign).values(value=F(f"ambassador__{attribute}")).annotate(**_aggregates()).order_by()
    ):
        value = row.pop("value") or ""
        grouped[value] = {step: grouped.get(value, {}).get(step, 0) + row[step] for step in STEP_KEYS}
    labels = dict(choices.choices)
    order = list(labels) + [""] + sorted(value for value in grouped if value and value not in labels)
    grid = funnel_privacy.with_campaign(total or campaign_counts(campaign), STEP_KEYS)
    for value in order:
        funnel_privacy.add_row(grid, ("value", value), grouped.get(value, {}), STEP_KEYS)
    funnel_privacy.partition(grid, [("value", value) for value in order], STEP_KEYS)
    grid.protect()
    return [
        _row(
            str(labels.get(value) or _("Non renseigné")),
            funnel_privacy.protected(grid, ("value", value), STEP_KEYS),
            key=value,
        )
        for value in order
    ]


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
DAILY_KEYS = [key for key, _stamp in DAILY]


def _days(campaign):
    """{day: {event: count}} of the days with an event, one GROUP BY query per event."""
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
            days.setdefault(row["day"], {})[key] = row["n"]
    return days


def funnel_by_day(campaign, *, total=None):
    """[{"day": first date, "until": last date, "sent": n, "opened": n, ...}] in date order, days in the site's time
    zone, covering every day from the first event to the last (a day listed only when something happened would
    tell that someone acted).

    Days are grouped into periods of consecutive days until no figure that the campaign's own row shows is
    withheld in any period: so each column adds up to the funnel's figure, and no period's figure is small or can
    be had back from the others (``campaigns.privacy.funnel``). A big campaign keeps one period per day."""
    days = _days(campaign)
    if not days:
        return []
    first, last = min(days), max(days)
    every = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    total = total or campaign_counts(campaign)
    alone = funnel_privacy.campaign_grid(total, STEP_KEYS)
    kept = [key for key in DAILY_KEYS if alone.shown(("campaign", key)) is not None]
    periods = [[day] for day in every]
    while True:
        rows = _periods_protected(periods, days, total)
        wanting = next((index for index, row in enumerate(rows) if any(row[key] is None for key in kept)), None)
        if wanting is None or len(periods) == 1:
            return rows
        neighbour = wanting + 1 if wanting + 1 < len(periods) else wanting - 1
        low, high = sorted((wanting, neighbour))
        periods[low : high + 1] = [periods[low] + periods[high]]


def _periods_protected(periods, days, total):
    grid = funnel_privacy.with_campaign(total, STEP_KEYS)
    names = [period[0] for period in periods]
    for period in periods:
        for key in DAILY_KEYS:
            grid.add((period[0], key), sum(days.get(day, {}).get(key, 0) for day in period))
    funnel_privacy.partition(grid, names, DAILY_KEYS)
    grid.protect()
    return [
        {"day": period[0], "until": period[-1], **funnel_privacy.protected(grid, period[0], DAILY_KEYS)}
        for period in periods
    ]


def definitions():
    """[(label, definition)] of every step and rate, for the report and the workbook."""
    steps = [(label, text) for _key, label, text, _condition in STEPS]
    rates = [
        (rate.label, f"{rate.definition} {reference_text(rate)}" if rate.reference else rate.definition)
        for rate in RATES
    ]
    return steps + rates
