"""Attacks on segment sizes (``wagtailsnippets_campaigns_segment:size``, the live count of the segment form,
and the audience on the campaign's overview): the analyst (who may not read identities) asks for rule after
rule. Exact counts of 1 and a binary search on "customer since" were found; both must now fail, while the
product team (who may list the members anyway) still gets exact counts."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from campaigns.models import SegmentRule

pytestmark = pytest.mark.django_db
SIZE = "wagtailsnippets_campaigns_segment:size"
Attribute = SegmentRule.Attribute


def size(client, *rules, match="all"):
    data = {"kind": "rules", "match": match, "rules-TOTAL_FORMS": str(len(rules))}
    for index, (attribute, value) in enumerate(rules):
        data[f"rules-{index}-attribute"], data[f"rules-{index}-value"] = attribute, value
    return client.post(reverse(SIZE), data).json()


def test_a_group_of_one_is_fewer_than_five_for_the_analyst(client_for, analyst_user, lone_customer):
    answer = size(client_for(analyst_user), (Attribute.REGION_IN, "cor"), (Attribute.AGE_BAND_IN, "65+"))
    assert answer["count"] is None and "Moins de 5" in answer["label"]


def test_an_empty_segment_does_not_tell_itself_from_a_segment_of_one(client_for, analyst_user, lone_customer):
    client = client_for(analyst_user)
    one = size(client, (Attribute.REGION_IN, "cor"))
    none = size(client, (Attribute.REGION_IN, "naq"))
    assert one == none


def test_a_binary_search_on_customer_since_finds_no_date(client_for, analyst_user, lone_customer):
    client = client_for(analyst_user)
    seen = set()
    low, high = date(1990, 1, 1), date(2025, 1, 1)
    while high - low > timedelta(days=1):  # the search that recovered her date: every answer is the same now
        middle = low + (high - low) / 2
        answer = size(client, (Attribute.REGION_IN, "cor"), (Attribute.CUSTOMER_BEFORE, middle.isoformat()))
        seen.add((answer["count"], answer["label"]))
        if answer["count"]:
            high = middle
        else:
            low = middle
    assert len(seen) == 1


def test_two_segments_differing_by_one_rule_show_the_same_size(client_for, analyst_user, known, one_rule_apart):
    client = client_for(analyst_user)
    wide = size(client, (Attribute.REGION_IN, "bre"))
    narrow = size(client, (Attribute.REGION_IN, "bre"), (Attribute.CUSTOMER_BEFORE, "2020-01-01"))
    assert wide == narrow and wide["count"] == 10  # 11 and 10 contactable Bretons: both "about 10"


def test_the_product_team_still_gets_exact_counts(client_for, product_user, lone_customer):
    answer = size(client_for(product_user), (Attribute.REGION_IN, "cor"))
    assert answer["count"] == 1


def test_the_audience_on_the_campaign_overview_is_not_exact_for_the_analyst(client_for, analyst_user, known):
    response = client_for(analyst_user).get(reverse("campaign_actions:overview", args=[known.pk]))
    assert response.status_code == 200
    assert response.context["audience_size"] in (None, 5, 10, 15, 20)
    assert not response.context["audience_exact"]
