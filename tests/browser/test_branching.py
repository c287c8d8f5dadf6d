"""A page whose questions depend on its own answers, in a real Chromium: what an answer reveals appears at once
(the server decides, through a fetch of the same page), and the page is sent as usual."""

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from surveys.models import Answer
from tests.browser.accessibility import assert_accessible
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.surveys.test_branching import branching_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_answer_reveals_the_questions_it_conditions_at_once(page):
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.SURVEY)
    branching_survey(target)
    campaign_launch(target)
    invitation = Invitation.objects.get()
    page.goto(f"/i/{invitation.token}/")
    expect(page.get_by_role("heading", name="Vous, Léa")).to_be_visible()
    expect(page.get_by_role("button", name="Mettre à jour la page")).to_have_count(0)  # the script does it
    expect(page.get_by_text("Combien d'enfants")).to_have_count(0)
    expect(page.get_by_label("Plan épargne logement")).to_have_count(0)
    page.get_by_label("En couple").check()
    expect(page.get_by_label("Combien d'enfants ?")).to_be_visible()
    expect(page.get_by_label("Plan épargne logement")).to_be_visible()
    expect(page.get_by_label("En couple")).to_be_checked()
    page.get_by_label("Combien d'enfants ?").fill("2")
    page.get_by_label("Plan épargne logement").check()
    assert_accessible(page)
    page.get_by_label("Seul", exact=True).check()
    expect(page.get_by_text("Combien d'enfants")).to_have_count(0)
    page.get_by_label("En couple").check()
    expect(page.get_by_label("Combien d'enfants ?")).to_be_visible()
    page.get_by_label("Combien d'enfants ?").fill("2")
    page.get_by_label("Plan épargne logement").check()
    page.get_by_role("button", name="Page suivante").click()
    expect(page.get_by_text("Le prénom de votre conjoint ?")).to_be_visible()
    assert {answer.question.code for answer in Answer.objects.select_related("question")} == {
        "statut",
        "nombre",
        "produit",
    }
