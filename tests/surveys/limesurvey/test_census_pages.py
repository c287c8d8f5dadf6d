"""The census example (limesurvey_ls2_group_relevance.lss) imported, launched and answered by an ambassador through
the survey pages: living with one person shows "Person 1" and no other person page, living alone none, and the
tailored texts reach the page piped, with no brace."""

import re

import pytest
from django.urls import reverse

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from surveys.limesurvey import survey_import
from surveys.models import Question
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.surveys.peers import PEERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def census(client):
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    target = campaign(slug="recensement", segments=[region_segment()], kind=Campaign.Kind.SURVEY)
    survey, _report = survey_import(PEERS / "limesurvey_ls2_group_relevance.lss", campaign=target)
    campaign_launch(target)
    invitation = Invitation.objects.get()
    assert client.get(reverse("campaigns:personal_link", args=[invitation.token])).status_code == 302
    return survey


def field(survey, code):
    return f"q{Question.objects.get(survey=survey, code=code).pk}"


def answer_page(client, number, data):
    """Post a page and follow to the next one: (its number, its form's HTML)."""
    response = client.post(reverse("surveys:page", args=["recensement", number]), {**data, "action": "next"})
    assert response.status_code == 302, response.content.decode()[:2000]
    location = response["Location"]
    page = client.get(location).content.decode()
    form = re.search(r"<form.*?</form>", page, re.S)
    match = re.search(r"/(\d+)/?$", location)
    return (int(match.group(1)) if match else None), (form.group(0) if form else page)


def first_page(survey, cohabs):
    return {
        field(survey, "name"): "Léa",
        field(survey, "gender"): "F",
        field(survey, "age"): "40",
        field(survey, "cohabs"): str(cohabs),
    }


def test_living_alone_leads_from_the_first_page_to_the_summary_with_no_person_page(client, census):
    _number, form = answer_page(client, 1, first_page(census, 0))
    assert "Person" not in form and "{" not in form
    assert "(1) Léa, a 40 year old woman with 0 co-habitants" in form


def test_living_with_one_person_shows_person_1_with_piped_texts_then_the_summary(client, census):
    number, form = answer_page(client, 1, first_page(census, 1))
    assert "Person 1" in form and "{" not in form and "}" not in form
    person = {
        field(census, "p1_sex"): "M",
        field(census, "p1_name"): "Paul",
        field(census, "p1_age"): "12",
    }
    rel = Question.objects.get(survey=census, code="p1_rel")
    child = rel.choices.order_by("sort_order").first()
    person[field(census, "p1_rel")] = child.code
    _number, form = answer_page(client, number, person)
    assert "Person 2" not in form and "{" not in form and "}" not in form
    assert f"(2) Paul, a 12 year old male who is your {child.label_fr}" in form
