"""The programme's engagement in reports: ambassadors per tier and per score band, and the share of the core (the
top tier), every count through the privacy layer (k-anonymity with complementary suppression: the tiers and the
bands each add up to the total)."""

from dataclasses import dataclass, field

from campaigns.engagement.reads import score_band_counts, tier_counts
from campaigns.models import EngagementRun, Tier
from campaigns.privacy.suppression import Grid


@dataclass
class Line:
    label: str
    count: int | None  # None: withheld
    percent: float | None = None


@dataclass
class EngagementReport:
    total: int | None
    tiers: list = field(default_factory=list)
    bands: list = field(default_factory=list)
    core: Line | None = None
    last_run: EngagementRun | None = None


def _percent(count, total):
    if count is None or not total:
        return None
    return round(100 * count / total, 1)


def band_label(low, high):
    return f"{low} +" if high is None else f"{low} – {high}"


def engagement_report():
    """The figures of the engagement report, withheld where the privacy layer says so."""
    tiers = list(Tier.objects.order_by("threshold"))
    per_tier = tier_counts()
    bands = score_band_counts()
    total = sum(count for _band, count in bands)
    grid = Grid()
    grid.add("total", total)
    tier_keys = [grid.add(("tier", tier.pk), per_tier.get(tier.pk, 0)) for tier in tiers]
    band_keys = [grid.add(("band", low), count) for (low, _high), count in bands]
    grid.relation("total", tier_keys)
    grid.relation("total", band_keys)
    grid.protect()
    shown_total = grid.shown("total")
    report = EngagementReport(total=shown_total, last_run=EngagementRun.objects.first())
    for tier, key in zip(tiers, tier_keys, strict=True):
        count = grid.shown(key)
        report.tiers.append(Line(tier.name(), count, _percent(count, shown_total)))
    for ((low, high), _count), key in zip(bands, band_keys, strict=True):
        count = grid.shown(key)
        report.bands.append(Line(band_label(low, high), count, _percent(count, shown_total)))
    if report.tiers:
        report.core = report.tiers[-1]
    return report
