import pytest
from django.urls import reverse

from campaigns.engagement.recompute import recompute
from tests.admin_pages import refused
from tests.campaigns.engagement.builders import NOW, a_campaign, idea_posted
from tests.campaigns.factories import ambassador

pytestmark = pytest.mark.django_db


def test_the_ambassador_page_shows_the_score_the_tier_and_the_history(client_for, product_user):
    lea = ambassador("lea@exemple.fr")
    idea_posted(lea, a_campaign("epargne"))
    recompute(now=NOW)
    page = client_for(product_user).get(reverse("wagtailsnippets_campaigns_ambassador:edit", args=[lea.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "data-engagement-score>17,0<" in content
    assert "data-engagement-tier>Membre<" in content
    assert content.count("<td>17,0</td>") == 1


def test_an_ambassador_who_never_took_part_has_no_points_and_the_lowest_tier(client_for, product_user):
    zoe = ambassador("zoe@exemple.fr")
    page = client_for(product_user).get(reverse("wagtailsnippets_campaigns_ambassador:edit", args=[zoe.pk]))
    assert "data-engagement-tier>Membre<" in page.content.decode()
    assert "Aucune participation pour" in page.content.decode()


def test_the_product_team_edits_tiers_and_others_cannot(client_for, product_user, analyst_user):
    url = reverse("wagtailsnippets_campaigns_tier:list")
    assert client_for(product_user).get(url).status_code == 200
    assert refused(client_for(analyst_user).get(url))
