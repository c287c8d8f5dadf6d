"""The attack suite's data: the report tests' hand-built campaign (regions of 10, 6 and 3, one segment of 3),
and more groups of 1 to 4: a yes/no question answered "yes" by 12 and "no" by 1, two segments differing by
one rule (one person), an ambassador alone in an age band."""

from datetime import date

import pytest

from campaigns.models import Ambassador, Invitation, Segment, SegmentRule
from tests.campaigns.factories import ambassador
from tests.reports.conftest import answered, board, invite, known, people, respond, survey

Attribute = SegmentRule.Attribute


@pytest.fixture
def thirteen(known, survey):
    """13 respondents (10 Bretons, 3 Franciliens): "banque_principale" yes 12, no 1; "usage" jour 9, semaine 3,
    mois 1; NPS 9 promoters, 3 passives, 1 detractor."""
    invitations = list(
        Invitation.objects.filter(campaign=known, ambassador__region__in=["bre", "idf"])
        .exclude(status=Invitation.Status.SKIPPED)
        .order_by("ambassador__region", "pk")[:13]
    )
    for index, invitation in enumerate(invitations):
        respond(
            invitation,
            survey,
            banque_principale=index != 12,
            usage="jour" if index < 9 else "semaine" if index < 12 else "mois",
            nps=9 if index < 9 else 7 if index < 12 else 2,
            clarte="5" if index < 6 else "4" if index < 12 else "1",
            montant=[10, 20][index % 2] if index < 12 else 500,
        )
    return survey


@pytest.fixture
def one_rule_apart(known):
    """Two segments of the campaign: every Breton, and every Breton customer before 2020, which leaves out one
    (customer since 2021-06-15)."""
    bretons = Ambassador.objects.filter(region="bre").exclude(email="trop.sollicite@exemple.fr").order_by("pk")
    Ambassador.objects.filter(pk__in=[person.pk for person in bretons]).update(customer_since=date(2010, 1, 1))
    Ambassador.objects.filter(pk=bretons[0].pk).update(customer_since=date(2021, 6, 15))
    wide = Segment.objects.create(name="Tous les Bretons", kind=Segment.Kind.RULES)
    SegmentRule.objects.create(segment=wide, attribute=Attribute.REGION_IN, value="bre")
    narrow = Segment.objects.create(name="Bretons anciens", kind=Segment.Kind.RULES)
    SegmentRule.objects.create(segment=narrow, attribute=Attribute.REGION_IN, value="bre")
    SegmentRule.objects.create(segment=narrow, attribute=Attribute.CUSTOMER_BEFORE, value="2020-01-01")
    known.segments.add(wide, narrow)
    return wide, narrow


@pytest.fixture
def lone_customer(db):
    """An ambassador alone in her region and age band, customer since a date an analyst would like to know."""
    return ambassador("seule@exemple.fr", region="cor", age_band="65+", customer_since=date(2003, 4, 17))


__all__ = ["answered", "board", "invite", "known", "people", "survey"]
