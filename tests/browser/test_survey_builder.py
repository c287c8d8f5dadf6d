"""The survey builder in a real Chromium: from the campaign form, a product team member builds a two-page survey
of four questions, the last shown only for one choice of the first, in at most 12 clicks (every click, tick and
pick of a list counts; typing does not), with the preview beside it; then launches through the checklist.
Screenshots: docs/screenshots/survey-builder-*.png (README, product team)."""

import re

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign, Invitation
from surveys.models import Question, Survey
from tests.browser.conftest import log_in, screenshot
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MAX_CLICKS = 12


class Clicks:
    """Every click(), check() and select_option() of the test goes through here and is counted."""

    def __init__(self):
        self.count = 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def check(self, locator):
        self.count += 1
        locator.check()

    def pick(self, locator, value):
        self.count += 1
        locator.select_option(value)


def question_field(page, number, name):
    return page.locator(f"[name='questions-{number}-{name}']")


def test_a_product_team_member_builds_a_four_question_survey_with_a_condition_in_twelve_clicks(page, product_user):
    for number in range(3):
        ambassador(f"breton{number}@exemple.fr", region="bre")
    target = campaign(slug="livret-vert", title="Livret vert", segments=[region_segment()], kind=Campaign.Kind.SURVEY)
    log_in(page, product_user)
    page.goto(f"/admin/snippets/campaigns/campaign/edit/{target.pk}/")
    clicks = Clicks()

    # From the campaign form to the builder, the survey already attached to the campaign.
    clicks.click(page.get_by_role("link", name="Construire son questionnaire"))
    page.fill("#id_title_fr", "Un livret d'épargne vert ?")
    page.fill("[name='sections-0-title_fr']", "Vos priorités")
    clicks.click(page.get_by_role("button", name=re.compile("Ajouter.*page")))
    page.fill("[name='sections-1-title_fr']", "Vos attentes")

    # Four questions; the first one is there already (a single choice unless told).
    question_field(page, 0, "text_fr").fill("Votre priorité pour votre épargne ?")
    question_field(page, 0, "choices_text").fill("Écologie\nRendement\nSécurité")
    for number, kind, page_number, text in (
        (1, "yes_no", "1", "Avez-vous déjà un livret ?"),
        (2, "scale", "2", "Votre intérêt pour un livret vert ?"),
        (3, "long_text", "2", "Que devrait financer votre épargne ?"),
    ):
        clicks.click(page.get_by_role("button", name=re.compile("Ajouter.*question")).last)
        clicks.pick(question_field(page, number, "kind"), kind)
        question_field(page, number, "page").fill(page_number)
        question_field(page, number, "text_fr").fill(text)

    # The condition: the questions of the pages before, then the first one's own choices, said in words.
    condition = page.locator("#inline_child_questions-3")
    clicks.pick(condition.get_by_role("combobox", name="montrée seulement si la question"), "Q1")
    clicks.check(condition.get_by_role("checkbox", name="Écologie"))
    words = condition.locator(".builder-condition-words")
    expect(words).to_have_text(
        "Montrée seulement si Q1 (« Votre priorité pour votre épargne ? ») a pour réponse « Écologie »."
    )
    words.scroll_into_view_if_needed()
    screenshot(page, "survey-builder-condition", full_page=False)

    # The preview beside the form follows what was typed, before anything is saved.
    clicks.click(page.locator("[data-side-panel-toggle='preview']"))
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.locator("[data-preview-question=Q4] [data-preview-condition]")).to_contain_text("« Écologie »")
    screenshot(page, "survey-builder-desktop", full_page=False)
    page.locator(".w-preview__wrapper, #w-preview-iframe").first.screenshot(
        path=str(page_path("survey-builder-preview")), animations="disabled"
    )

    clicks.click(page.get_by_role("button", name="Enregistrer").first)
    page.wait_for_url(re.compile(r"/admin/snippets/surveys/survey/"))
    assert clicks.count <= MAX_CLICKS, clicks.count

    survey = Survey.objects.get(campaign=target)
    questions = list(Question.objects.filter(survey=survey).select_related("section", "show_if_question"))
    assert [(q.code, q.kind, q.section.title_fr) for q in questions] == [
        ("Q1", "single", "Vos priorités"),
        ("Q2", "yes_no", "Vos priorités"),
        ("Q3", "scale", "Vos attentes"),
        ("Q4", "long_text", "Vos attentes"),
    ]
    assert (questions[3].show_if_question.code, questions[3].show_if_values) == ("Q1", "ecologie")

    # Launch through the checklist: the summary, then the number of people typed back.
    page.goto(f"/admin/campaign_actions/{target.pk}/")
    page.get_by_role("button", name="Lancer maintenant").click()
    expect(page.locator("[data-figure=invited]")).to_have_text("3")
    page.get_by_label("Nombre de personnes à inviter").fill("3")
    page.get_by_role("button", name="Envoyer à 3 personnes").click()
    expect(page.get_by_text("Campagne lancée : 3 invitations en cours d'envoi.")).to_be_visible()
    assert Invitation.objects.filter(campaign=target).count() == 3


def page_path(name):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
