"""The public site from the demo data in a real Chromium, on a phone and on a desktop: nothing scrolls sideways,
and each page is photographed (docs/screenshots/). The editorial workflow is the editor's journey
(test_journey_editor.py)."""

import pytest

from campaigns.demo import seed_audience, seed_campaign, seed_closed_campaign
from cms.demo import seed_pages
from ideas.demo import CLOSED_IDEAS, LIVE_IDEAS, seed_board
from surveys.demo import seed_survey
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_public_site_on_a_phone_and_a_desktop(chromium, live_server, settings):
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "campaigns.sending.outbox.OutboxEmailBackend"
    seed_audience(300)
    live = seed_campaign(prepare=seed_survey)
    seed_board(live, LIVE_IDEAS)
    closed = seed_closed_campaign(invited=200)
    seed_board(closed, CLOSED_IDEAS, days_ago=110)
    pages = seed_pages(live, closed)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = chromium.new_context(
            base_url=live_server.url, locale="fr-FR", viewport=viewport, device_scale_factor=1
        )
        page = context.new_page()
        for key, title in (
            ("home", "Espace ambassadeurs"),
            ("live", "Votre banque mobile de demain"),
            ("roadmap", "Vous avez dit, nous avons fait"),
        ):
            response = page.goto(pages[key].url)
            assert response.status == 200
            assert page.get_by_role("heading", level=1).first.is_visible()
            assert title in page.content()
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{key} scrolls sideways on a {name}"
            screenshot(page, f"{key}-{name}")
        context.close()
