"""Segment membership, evaluated by the database.

A segment is either a static list or a set of rules combined with AND (all) or OR (any). Membership is one
queryset built from ``Q`` objects and ``EXISTS`` subqueries, so counting the members of a segment, of an
unsaved draft of one, or of several segments at once is a single query whatever the number of ambassadors.
Ambassadors who opted out, never consented, or whose address bounced or is paused are never members.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import translation
from django.utils.translation import gettext as _

from campaigns.models import (
    AgeBand,
    Ambassador,
    AmbassadorProduct,
    AmbassadorTag,
    EngagementScore,
    Locale,
    Product,
    Region,
    Segment,
    SegmentMember,
    SegmentRule,
    Tag,
    Tier,
)

Attribute = SegmentRule.Attribute
DATE_ATTRIBUTES = {Attribute.CUSTOMER_BEFORE, Attribute.CUSTOMER_AFTER}


@dataclass(frozen=True)
class Rule:
    attribute: str
    value: str


def contactable_ambassadors():
    """Ambassadors who may be contacted at all: consent given, not opted out, address neither known to bounce nor
    paused after repeated temporary refusals."""
    return Ambassador.objects.filter(
        consent_at__isnull=False, opted_out_at__isnull=True, email_bounced_at__isnull=True, email_paused_at__isnull=True
    )


def parse_date(raw):
    """A date written as AAAA-MM-JJ or JJ/MM/AAAA; ValueError otherwise."""
    raw = raw.strip()
    try:
        if "-" in raw:
            year, month, day = raw.split("-")
        else:
            day, month, year = raw.split("/")
        if len(year) == 4:
            return date(int(year), int(month), int(day))
    except ValueError:
        pass
    raise ValueError(raw)


def split_values(raw):
    """Values written in one cell or field, separated by commas or | (both are common in spreadsheets)."""
    return [item.strip() for item in raw.replace("|", ",").split(",") if item.strip()]


def _codes(raw, allowed, what):
    codes = [code.lower() for code in split_values(raw)]
    if not codes:
        raise ValidationError(_("Indiquez au moins une valeur."))
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        raise ValidationError(
            _("Valeur inconnue pour « %(what)s » : %(unknown)s. Valeurs possibles : %(allowed)s.")
            % {"what": what, "unknown": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))}
        )
    return codes


def _folded(text):
    return " ".join(str(text).casefold().split())


def rule_choices(attribute):
    """[(code, name)] a rule on ``attribute`` chooses from (names shown to staff, codes stored); [] for a date."""
    if attribute == Attribute.REGION_IN:
        return list(Region.choices)
    if attribute == Attribute.AGE_BAND_IN:
        return list(AgeBand.choices)
    if attribute == Attribute.LOCALE_IS:
        return list(Locale.choices)
    if attribute in (Attribute.HOLDS_PRODUCT, Attribute.LACKS_PRODUCT):
        return list(Product.objects.values_list("code", "name"))
    if attribute == Attribute.HAS_TAG:
        return [(name, name) for name in Tag.objects.values_list("name", flat=True)]
    return []


def rule_value_cleaned(attribute, raw):
    """The value of a rule as stored: codes separated by commas (names, in French or English, and codes accepted),
    or one date as AAAA-MM-JJ; ValidationError naming each value that is not on the list."""
    raw = raw or ""
    if attribute in DATE_ATTRIBUTES:
        rule_condition(Rule(attribute, raw))
        return parse_date(raw).isoformat()
    choices = rule_choices(attribute)
    if not choices and attribute not in Attribute.values:
        raise ValidationError(_("Critère inconnu : %(attribute)s.") % {"attribute": attribute})
    known = {}
    for code, name in choices:
        known[_folded(code)] = code
        known[_folded(name)] = code
        for language in ("fr", "en"):
            with translation.override(language):
                known[_folded(name)] = code
    given = split_values(raw)
    if not given:
        raise ValidationError(_("Choisissez au moins une valeur dans la liste."))
    unknown = [item for item in given if _folded(item) not in known]
    if unknown:
        raise ValidationError(
            _("Valeur inconnue : %(unknown)s. Choisissez parmi : %(allowed)s.")
            % {"unknown": ", ".join(unknown), "allowed": ", ".join(str(name) for _code, name in choices) or "—"}
        )
    codes = []
    for item in given:
        code = known[_folded(item)]
        if code not in codes:
            codes.append(code)
    return ",".join(codes)


def validate_rules(rules):
    """ValidationError naming the first rule whose value is wrong, including product codes the catalogue lacks."""
    for rule in rules:
        rule_condition(rule)
    product_codes = {
        code.lower()
        for rule in rules
        if rule.attribute in (Attribute.HOLDS_PRODUCT, Attribute.LACKS_PRODUCT)
        for code in split_values(rule.value)
    }
    if product_codes:
        _codes(",".join(product_codes), set(Product.objects.values_list("code", flat=True)), _("Produit"))
    tier_codes = {
        code.lower() for rule in rules if rule.attribute == Attribute.TIER_IS for code in split_values(rule.value)
    }
    if tier_codes:
        _codes(",".join(tier_codes), set(Tier.objects.values_list("code", flat=True)), _("Palier"))


def _points(raw):
    try:
        return float(raw.strip().replace(",", "."))
    except ValueError:
        raise ValidationError(_("« %(value)s » n'est pas un nombre de points.") % {"value": raw}) from None


def engagement_condition(attribute, value):
    """The condition of an engagement rule: score at least some points, or tier among some codes. Ambassadors
    without a score have 0 points and the lowest tier."""
    if attribute == Attribute.SCORE_AT_LEAST:
        points = _points(value)
        if points <= 0:
            return Q(pk__isnull=False)
        return Q(Exists(EngagementScore.objects.filter(ambassador=OuterRef("pk"), score__gte=points)))
    codes = [code.lower() for code in split_values(value)]
    if not codes:
        raise ValidationError(_("Indiquez au moins un palier."))
    return tiers_condition(codes)


def tiers_condition(codes):
    """Ambassadors whose tier is among ``codes`` (those without a score are in the lowest tier)."""
    in_tier = Exists(EngagementScore.objects.filter(ambassador=OuterRef("pk"), tier__code__in=codes))
    lowest = Tier.objects.order_by("threshold").values("threshold")[:1]
    lowest_chosen = Exists(Tier.objects.filter(code__in=codes, threshold=Subquery(lowest)))
    unscored = ~Exists(EngagementScore.objects.filter(ambassador=OuterRef("pk")))
    return Q(in_tier) | (Q(unscored) & Q(lowest_chosen))


def rule_condition(rule):
    """The condition of one rule on ``Ambassador`` (no query), or ValidationError naming what is wrong in its value."""
    attribute, value = rule.attribute, rule.value or ""
    if attribute == Attribute.REGION_IN:
        return Q(region__in=_codes(value, set(Region.values), _("Région")))
    if attribute == Attribute.AGE_BAND_IN:
        return Q(age_band__in=_codes(value, set(AgeBand.values), _("Tranche d'âge")))
    if attribute == Attribute.LOCALE_IS:
        return Q(locale__in=_codes(value, set(Locale.values), _("Langue")))
    if attribute in (Attribute.HOLDS_PRODUCT, Attribute.LACKS_PRODUCT):
        codes = [code.lower() for code in split_values(value)]
        if not codes:
            raise ValidationError(_("Indiquez au moins un produit."))
        held = Exists(AmbassadorProduct.objects.filter(ambassador=OuterRef("pk"), product__code__in=codes))
        return Q(held) if attribute == Attribute.HOLDS_PRODUCT else ~Q(held)
    if attribute == Attribute.HAS_TAG:
        names = [name.lower() for name in split_values(value)]
        if not names:
            raise ValidationError(_("Indiquez au moins une étiquette."))
        return Q(Exists(AmbassadorTag.objects.filter(ambassador=OuterRef("pk"), tag__name__in=names)))
    if attribute in DATE_ATTRIBUTES:
        try:
            day = parse_date(value)
        except ValueError:
            raise ValidationError(
                _("« %(value)s » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA).") % {"value": value}
            ) from None
        if attribute == Attribute.CUSTOMER_BEFORE:
            return Q(customer_since__lt=day)
        return Q(customer_since__gte=day)
    if attribute in (Attribute.SCORE_AT_LEAST, Attribute.TIER_IS):
        return engagement_condition(attribute, value)
    raise ValidationError(_("Critère inconnu : %(attribute)s.") % {"attribute": attribute})


def segment_condition(kind, match, rules, segment_id=None):
    """The membership condition of a segment described by plain values (saved or being edited)."""
    if kind == Segment.Kind.STATIC:
        if segment_id is None:
            return Q(pk__in=[])
        return Q(Exists(SegmentMember.objects.filter(segment_id=segment_id, ambassador=OuterRef("pk"))))
    conditions = [rule_condition(rule) for rule in rules]
    if not conditions:
        return Q()  # no rule: every contactable ambassador
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition if match == Segment.Match.ALL else combined | condition
    return combined


def saved_segment_condition(segment):
    """The membership condition of a saved segment. A rule saved before values were checked (an unknown region
    name, say) matches no one, so that pages keep working and no one unintended is invited; ``segment_problems``
    names it, and a launch refuses it."""
    rules = [Rule(rule.attribute, rule.value) for rule in segment.rules.all()]
    try:
        return segment_condition(segment.kind, segment.match, rules, segment.pk)
    except ValidationError:
        return Q(pk__in=[])


def segment_problems(segments):
    """Messages naming each saved rule whose value is wrong, segment by segment."""
    problems = []
    for segment in segments:
        if segment.kind != Segment.Kind.RULES:
            continue
        for rule in segment.rules.all():
            try:
                rule_condition(Rule(rule.attribute, rule.value))
            except ValidationError as exc:
                problems.append(
                    _("Segment « %(segment)s », condition « %(rule)s » : %(error)s")
                    % {"segment": segment, "rule": rule.get_attribute_display(), "error": " ".join(exc.messages)}
                )
    return problems


def segment_members(segment):
    return contactable_ambassadors().filter(saved_segment_condition(segment))


def members_of_segments(segments):
    """Contactable ambassadors who belong to any of ``segments``, each once."""
    combined = Q(pk__in=[])
    for segment in segments:
        combined |= saved_segment_condition(segment)
    return contactable_ambassadors().filter(combined)


def count_members(kind, match, rules, segment_id=None):
    """Members of a segment as described, counted in one query; ValidationError if a rule's value is wrong."""
    validate_rules(rules)
    return contactable_ambassadors().filter(segment_condition(kind, match, rules, segment_id)).count()


def add_to_static_segment(segment, ambassador_ids):
    """Add ambassadors to a static list; those already on it are left as they are. Returns how many were added."""
    if segment.kind != Segment.Kind.STATIC:
        raise ValidationError(_("« %(segment)s » n'est pas une liste fixe.") % {"segment": segment})
    ids = list(ambassador_ids)
    before = SegmentMember.objects.filter(segment=segment).count()
    SegmentMember.objects.bulk_create(
        [SegmentMember(segment=segment, ambassador_id=pk) for pk in ids], ignore_conflicts=True, batch_size=2000
    )
    return SegmentMember.objects.filter(segment=segment).count() - before
