"""An ambassador splits 100 points between services in a real Chromium: the running total follows what they
type, in their language, and the server refuses a wrong total."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from surveys.models import Answer, MatrixRow, Question, Section, Survey
from tests.browser.accessibility import assert_accessible
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def launched_with_points(locale="fr"):
    ambassador("lea@exemple.fr", region="bre", first_name="Léa", locale=locale)
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.SURVEY)
    survey = Survey.objects.create(campaign=target, title_fr="Vos services", title_en="Your services")
    section = Section.objects.create(survey=survey, sort_order=0, title_fr="Vos priorités", title_en="Priorities")
    question = Question.objects.create(
        survey=survey,
        section=section,
        code="points",
        kind="multiple_numeric",
        text_fr="Répartissez 100 points entre ces services",
        text_en="Split 100 points between these services",
        settings={"total": "100"},
    )
    for order, (code, fr, en) in enumerate([("carte", "La carte", "The card"), ("appli", "L'appli", "The app")]):
        MatrixRow.objects.create(question=question, sort_order=order, code=code, label_fr=fr, label_en=en)
    campaign_launch(target)
    return Invitation.objects.get()


def test_the_running_total_follows_the_typing_and_a_wrong_total_is_refused(page):
    invitation = launched_with_points()
    page.goto(f"/i/{invitation.token}/")
    total = page.locator("[data-running-total] output")
    expect(total).to_have_text("Total : 0")
    page.get_by_label("La carte").fill("60,5")
    page.get_by_label("L'appli").fill("29,5")
    expect(total).to_have_text("Total : 90")
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Le total doit faire 100 : il fait 90.").first).to_be_visible()
    expect(total).to_have_text("Total : 90")  # the figures typed are kept, and so is the total
    page.get_by_label("L'appli").fill("39,5")
    expect(total).to_have_text("Total : 100")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_url("**/merci/")
    assert sorted(Answer.objects.values_list("number", flat=True)) == [39.5, 60.5]


def test_an_english_ambassador_sees_the_total_in_english(page):
    invitation = launched_with_points(locale="en")
    page.goto(f"/i/{invitation.token}/")
    page.goto(reverse("surveys:page", args=[invitation.campaign.slug, 1]))  # in the ambassador's language
    expect(page.get_by_text("The total must be 100.")).to_be_visible()
    page.get_by_label("The card").fill("1250.5")
    expect(page.locator("[data-running-total] output")).to_have_text("Total: 1,250.5")
