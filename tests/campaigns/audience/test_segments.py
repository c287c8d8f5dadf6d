from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns.audience import segments
from campaigns.audience.segments import Rule, count_members, members_of_segments, segment_members
from campaigns.models import (
    Ambassador,
    AmbassadorProduct,
    AmbassadorTag,
    Product,
    Segment,
    SegmentMember,
    SegmentRule,
    Tag,
)

pytestmark = pytest.mark.django_db
A = SegmentRule.Attribute


def person(email, products=(), tags=(), **fields):
    fields.setdefault("consent_at", timezone.now())
    ambassador = Ambassador.objects.create(email=email, **fields)
    for code in products:
        AmbassadorProduct.objects.create(ambassador=ambassador, product=Product.objects.get(code=code))
    for name in tags:
        AmbassadorTag.objects.create(ambassador=ambassador, tag=Tag.objects.get_or_create(name=name)[0])
    return ambassador


@pytest.fixture
def people():
    return {
        "paris_young": person(
            "a@x.fr",
            region="idf",
            age_band="25-34",
            products=["livret-a"],
            tags=["beta"],
            customer_since=date(2020, 1, 1),
        ),
        "paris_old": person(
            "b@x.fr",
            region="idf",
            age_band="65+",
            products=["assurance-vie", "livret-a"],
            customer_since=date(1995, 5, 1),
        ),
        "breton": person("c@x.fr", region="bre", age_band="25-34", locale="en", customer_since=date(2009, 12, 31)),
        "opted_out": person("d@x.fr", region="idf", age_band="25-34", opted_out_at=timezone.now()),
        "no_consent": person("e@x.fr", region="idf", age_band="25-34", consent_at=None),
    }


def members(kind=Segment.Kind.RULES, match=Segment.Match.ALL, rules=(), segment_id=None):
    condition = segments.segment_condition(kind, match, [Rule(*rule) for rule in rules], segment_id)
    return sorted(segments.contactable_ambassadors().filter(condition).values_list("email", flat=True))


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ([(A.REGION_IN, "idf")], ["a@x.fr", "b@x.fr"]),
        ([(A.REGION_IN, "IDF, bre")], ["a@x.fr", "b@x.fr", "c@x.fr"]),
        ([(A.AGE_BAND_IN, "25-34")], ["a@x.fr", "c@x.fr"]),
        ([(A.LOCALE_IS, "en")], ["c@x.fr"]),
        ([(A.HOLDS_PRODUCT, "assurance-vie")], ["b@x.fr"]),
        ([(A.HOLDS_PRODUCT, "livret-a, assurance-vie")], ["a@x.fr", "b@x.fr"]),
        ([(A.LACKS_PRODUCT, "assurance-vie")], ["a@x.fr", "c@x.fr"]),
        ([(A.HAS_TAG, "Beta")], ["a@x.fr"]),
        ([(A.CUSTOMER_BEFORE, "2010-01-01")], ["b@x.fr", "c@x.fr"]),
        ([(A.CUSTOMER_AFTER, "31/12/2009")], ["a@x.fr", "c@x.fr"]),
        ([], ["a@x.fr", "b@x.fr", "c@x.fr"]),
    ],
)
def test_each_rule_selects_the_right_ambassadors(people, rules, expected):
    assert members(rules=rules) == expected


def test_all_requires_every_rule_and_any_requires_one(people):
    rules = [(A.REGION_IN, "idf"), (A.AGE_BAND_IN, "25-34")]
    assert members(match=Segment.Match.ALL, rules=rules) == ["a@x.fr"]
    assert members(match=Segment.Match.ANY, rules=rules) == ["a@x.fr", "b@x.fr", "c@x.fr"]


def test_opted_out_and_unconsenting_ambassadors_are_never_members(people):
    segment = Segment.objects.create(name="Static", kind=Segment.Kind.STATIC)
    for ambassador in people.values():
        SegmentMember.objects.create(segment=segment, ambassador=ambassador)
    assert sorted(segment_members(segment).values_list("email", flat=True)) == ["a@x.fr", "b@x.fr", "c@x.fr"]
    assert "d@x.fr" not in members(rules=[(A.REGION_IN, "idf")])


def test_static_list_holds_exactly_its_members(people):
    segment = Segment.objects.create(name="Panel", kind=Segment.Kind.STATIC)
    assert segments.add_to_static_segment(segment, [people["breton"].pk, people["paris_old"].pk]) == 2
    assert segments.add_to_static_segment(segment, [people["breton"].pk]) == 0
    assert members(kind=Segment.Kind.STATIC, segment_id=segment.pk) == ["b@x.fr", "c@x.fr"]
    assert members(kind=Segment.Kind.STATIC) == []  # an unsaved static list has no members yet


def test_rule_segment_cannot_take_static_members(people):
    with pytest.raises(ValidationError):
        segments.add_to_static_segment(Segment.objects.create(name="R"), [people["breton"].pk])


def test_counting_a_segment_is_one_query(people, django_assert_num_queries):
    segment = Segment.objects.create(name="Jeunes", match=Segment.Match.ANY)
    SegmentRule.objects.create(segment=segment, attribute=A.HOLDS_PRODUCT, value="livret-a")
    SegmentRule.objects.create(segment=segment, attribute=A.HAS_TAG, value="beta")
    SegmentRule.objects.create(segment=segment, attribute=A.CUSTOMER_BEFORE, value="2010-01-01")
    segment = Segment.objects.prefetch_related("rules").get(pk=segment.pk)
    with django_assert_num_queries(1):
        assert segment_members(segment).count() == 3


def test_members_of_several_segments_are_counted_once(people):
    first = Segment.objects.create(name="Paris")
    SegmentRule.objects.create(segment=first, attribute=A.REGION_IN, value="idf")
    second = Segment.objects.create(name="Jeunes")
    SegmentRule.objects.create(segment=second, attribute=A.AGE_BAND_IN, value="25-34")
    assert sorted(members_of_segments([first, second]).values_list("email", flat=True)) == [
        "a@x.fr",
        "b@x.fr",
        "c@x.fr",
    ]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ((A.REGION_IN, "idf, atlantide"), "atlantide"),
        ((A.AGE_BAND_IN, ""), "au moins une valeur"),
        ((A.HOLDS_PRODUCT, "livret-z"), "livret-z"),
        ((A.CUSTOMER_BEFORE, "hier"), "n'est pas une date"),
        ((A.HAS_TAG, " , "), "au moins une étiquette"),
        (("shoe_size", "42"), "Critère inconnu"),
    ],
)
def test_wrong_rule_value_is_named(rule, message):
    with pytest.raises(ValidationError, match=message):
        count_members(Segment.Kind.RULES, Segment.Match.ALL, [Rule(*rule)])


def test_a_segment_saved_with_a_wrong_value_matches_no_one_and_is_named(people):
    segment = Segment.objects.create(name="Vieux segment")
    SegmentRule.objects.create(segment=segment, attribute=A.REGION_IN, value="Bretagne")
    assert list(segment_members(segment)) == []
    [problem] = segments.segment_problems([segment])
    assert "Vieux segment" in problem and "bretagne" in problem


@pytest.mark.parametrize(
    ("attribute", "given", "stored"),
    [
        (A.REGION_IN, "Bretagne | Île-de-France", "bre,idf"),
        (A.REGION_IN, "BRE, bre", "bre"),
        (A.AGE_BAND_IN, "35 à 44 ans", "35-44"),
        (A.LOCALE_IS, "English", "en"),
        (A.CUSTOMER_BEFORE, "31/12/2020", "2020-12-31"),
    ],
)
def test_rule_value_is_stored_as_codes(attribute, given, stored):
    assert segments.rule_value_cleaned(attribute, given) == stored


def test_rule_value_refuses_a_tag_no_ambassador_has():
    Tag.objects.create(name="fidèle")
    assert segments.rule_value_cleaned(A.HAS_TAG, "Fidèle") == "fidèle"
    with pytest.raises(ValidationError, match="inconnu"):
        segments.rule_value_cleaned(A.HAS_TAG, "fidele, nouveau")
