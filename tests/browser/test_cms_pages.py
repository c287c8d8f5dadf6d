"""Campaign pages in a real Chromium: an editor writes and submits a page, a product team member approves and
publishes it, and an ambassador arriving from their emailed link follows its call to act to the survey. Then the
public site is photographed on a phone and on a desktop (docs/screenshots/)."""

import re
from pathlib import Path

import pytest
from wagtail.models import Site

from campaigns.delivery import campaign_launch
from campaigns.demo import seed_audience, seed_campaign, seed_closed_campaign
from campaigns.models import Campaign
from cms.demo import seed_pages
from cms.models import CampaignIndexPage, CampaignPage
from ideas.demo import CLOSED_IDEAS, LIVE_IDEAS, seed_board
from surveys.demo import seed_survey
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def log_in(page, user):
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_editor_writes_a_page_the_product_team_publishes_it_and_an_ambassador_acts(
        chromium, live_server, smtp_server, settings, editor_user, product_user, django_capture_on_commit_callbacks):
    settings.SITE_URL = live_server.url
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.SURVEY, title="La banque mobile de demain")
    seed_survey(target)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(target)
    home = Site.objects.get(is_default_site=True).root_page
    index = home.add_child(instance=CampaignIndexPage(title="Campagnes", slug="campagnes"))
    index.save_revision().publish()

    def browser():
        context = chromium.new_context(base_url=live_server.url, locale="fr-FR", viewport=VIEWPORTS["desktop"])
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    editor = browser()
    log_in(editor, editor_user)
    editor.goto(f"/admin/pages/add/cms/campaignpage/{index.pk}/")
    editor.fill("#id_title", "Votre banque mobile de demain")
    editor.locator("#id_campaign").locator("xpath=..").get_by_role("button").first.click()  # the snippet chooser
    editor.get_by_role("link", name="La banque mobile de demain").click()
    editor.wait_for_function(f"document.getElementById('id_campaign').value === '{target.pk}'")
    editor.fill("#id_intro", "Découvrez le concept de la nouvelle application et donnez votre avis.")
    editor.get_by_role("button", name="Plus d'actions").click()
    editor.get_by_role("button", name="Soumettre à Validation par l'équipe produit").click()
    editor.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$|/admin/pages/\d+/$"))
    page_object = CampaignPage.objects.get()
    assert not page_object.live and page_object.current_workflow_state is not None

    reviewer = browser()
    log_in(reviewer, product_user)
    reviewer.goto(f"/admin/pages/{page_object.pk}/edit/")
    reviewer.get_by_role("button", name="Plus d'actions").click()
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Approuver et Publier", exact=True).click()
    page_object.refresh_from_db()
    assert page_object.live

    [message] = smtp_server.to("lea@exemple.fr")
    link = re.search(r'href="(http://[^"]+/i/[0-9a-f]{64}/)"', message.get_body(("html",)).get_content()).group(1)
    visitor = browser()
    visitor.goto(link)
    visitor.wait_for_url(f"**{page_object.url}")
    assert visitor.get_by_role("heading", name="Votre banque mobile de demain").is_visible()
    assert visitor.get_by_text("Vous n'avez pas encore répondu au questionnaire.").is_visible()
    visitor.get_by_role("link", name="Répondre au questionnaire").first.click()
    visitor.wait_for_url("**/s/banque-mobile/**")
    assert visitor.get_by_text("classe vos dépenses").is_visible()


def test_the_public_site_on_a_phone_and_a_desktop(chromium, live_server, settings):
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "campaigns.outbox.OutboxEmailBackend"
    seed_audience(300)
    live = seed_campaign(prepare=seed_survey)
    seed_board(live, LIVE_IDEAS)
    closed = seed_closed_campaign(invited=200)
    seed_board(closed, CLOSED_IDEAS, days_ago=110)
    pages = seed_pages(live, closed)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in VIEWPORTS.items():
        context = chromium.new_context(base_url=live_server.url, locale="fr-FR", viewport=viewport,
                                       device_scale_factor=1)
        page = context.new_page()
        for key, title in (("home", "Espace ambassadeurs"), ("live", "Votre banque mobile de demain"),
                           ("roadmap", "Vous avez dit, nous avons fait")):
            response = page.goto(pages[key].url)
            assert response.status == 200
            assert page.get_by_role("heading", level=1).first.is_visible()
            assert title in page.content()
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{key} scrolls sideways on a {name}"
            page.screenshot(path=str(SCREENSHOTS / f"{key}-{name}.png"), full_page=True)
        context.close()
