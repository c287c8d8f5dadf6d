"""The public site of a live and a closed campaign (the factories' data) in a real Chromium, on a phone and on a
desktop: nothing scrolls sideways, and each page is photographed (docs/screenshots/). The editorial workflow is the
editor's journey (test_journey_editor.py)."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.campaigns.factories import MOBILE_BANK, audience, closed_campaign, launched_campaign, panel
from tests.cms.factories import SITE, campaign_site
from tests.ideas.factories import SAVINGS_IDEAS, idea_board
from tests.surveys.factories import budget_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_public_site_on_a_phone_and_a_desktop(chromium, live_server, settings):
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "campaigns.sending.outbox.OutboxEmailBackend"
    people = audience(80)
    live = launched_campaign([panel(people[:60])], prepare=budget_survey)  # its emails go to the outbox
    idea_board(live)
    closed = closed_campaign(people)
    idea_board(closed, SAVINGS_IDEAS, days_ago=110)
    pages = campaign_site(live, closed)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = chromium.new_context(
            base_url=live_server.url, locale="fr-FR", viewport=viewport, device_scale_factor=1
        )
        page = context.new_page()
        for key, title in (
            ("home", "Espace ambassadeurs"),
            ("live", MOBILE_BANK["title"]),
            ("roadmap", SITE["fr"]["roadmap"][0]),
        ):
            response = page.goto(pages[key].url)
            assert response.status == 200
            assert page.get_by_role("heading", level=1).first.is_visible()
            assert title in page.content()
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{key} scrolls sideways on a {name}"
            screenshot(page, f"{key}-{name}")
        context.close()
