"""What the browser tests share: phone and desktop viewports, a page per person (``browser``), logging into the
admin, and screenshots under docs/screenshots/ (retaken at each run, shown in the README)."""

import re
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


@pytest.fixture
def browser(chromium, live_server):
    """``browser(viewport)``: a page in a browser context of its own (one person), closed after the test."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = chromium.new_context(
            base_url=live_server.url, locale="fr-FR", viewport=viewport, device_scale_factor=1
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, user):
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def screenshot(page, name, *, full_page=True):
    """docs/screenshots/<name>.png, transitions finished (a menu half faded in otherwise). Wagtail's admin scrolls
    inside its own container: there a full page is the viewport."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page, animations="disabled")
