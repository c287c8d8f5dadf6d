import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns.audience.segments import Rule, count_members, segment_members
from campaigns.models import EngagementScore, Segment, SegmentRule, Tier
from tests.campaigns.factories import ambassador

pytestmark = pytest.mark.django_db
A = SegmentRule.Attribute


@pytest.fixture
def people():
    tiers = {tier.code: tier for tier in Tier.objects.all()}
    lea, paul, zoe = ambassador("lea@exemple.fr"), ambassador("paul@exemple.fr"), ambassador("zoe@exemple.fr")
    now = timezone.now()
    EngagementScore.objects.create(ambassador=lea, score=160, tier=tiers["pionnier"], computed_at=now)
    EngagementScore.objects.create(ambassador=paul, score=25, tier=tiers["contributeur"], computed_at=now)
    return {"lea": lea, "paul": paul, "zoe": zoe}  # zoe never took part: 0 points, lowest tier


def members(*rules, match=Segment.Match.ALL):
    segment = Segment.objects.create(name=f"Engagés {Segment.objects.count()}", match=match)
    for attribute, value in rules:
        SegmentRule.objects.create(segment=segment, attribute=attribute, value=value)
    return set(segment_members(segment).values_list("email", flat=True))


def test_score_at_least_keeps_those_with_enough_points(people):
    assert members((A.SCORE_AT_LEAST, "25")) == {"lea@exemple.fr", "paul@exemple.fr"}
    assert members((A.SCORE_AT_LEAST, "100,5")) == {"lea@exemple.fr"}
    assert members((A.SCORE_AT_LEAST, "0")) == {"lea@exemple.fr", "paul@exemple.fr", "zoe@exemple.fr"}


def test_tier_is_counts_those_without_a_score_in_the_lowest_tier(people):
    assert members((A.TIER_IS, "pionnier")) == {"lea@exemple.fr"}
    assert members((A.TIER_IS, "membre")) == {"zoe@exemple.fr"}
    assert members((A.TIER_IS, "Membre, contributeur")) == {"zoe@exemple.fr", "paul@exemple.fr"}


def test_engagement_rules_combine_with_the_others(people):
    rules = [(A.TIER_IS, "pionnier"), (A.REGION_IN, "bre")]
    assert members(*rules) == set()
    assert members(*rules, match=Segment.Match.ANY) == {"lea@exemple.fr"}


def test_engagement_rules_are_counted_in_one_query(people, django_assert_num_queries):
    rules = [Rule(A.SCORE_AT_LEAST, "20"), Rule(A.TIER_IS, "contributeur,pionnier")]
    with django_assert_num_queries(2):  # the tiers' codes checked, then the count
        assert count_members(Segment.Kind.RULES, Segment.Match.ALL, rules) == 2


@pytest.mark.parametrize(
    ("attribute", "value", "message"),
    [
        (A.SCORE_AT_LEAST, "beaucoup", "« beaucoup » n'est pas un nombre de points."),
        (A.TIER_IS, "legende", "Valeur inconnue pour « Palier » : legende."),
        (A.TIER_IS, " , ", "Indiquez au moins un palier."),
    ],
)
def test_a_wrong_engagement_rule_says_what_is_wrong(db, attribute, value, message):
    with pytest.raises(ValidationError) as error:
        count_members(Segment.Kind.RULES, Segment.Match.ALL, [Rule(attribute, value)])
    assert message in error.value.messages[0]
