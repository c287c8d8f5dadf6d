"""In a real browser: the invitation read in the admin's outbox counts no open, and the decoy link every HTML
email hides is neither shown, nor reached with the keyboard, nor in the accessibility tree, as a person's mail
program renders the email."""

from email import message_from_bytes, policy

import pytest
from django.urls import reverse

from campaigns.models import Invitation, OutboxMessage, TrackingEvent
from campaigns.sending.launch import campaign_launch
from tests.browser.conftest import PHONE, log_in
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def kept(live_server, settings):
    """An invitation sent to the local outbox, its pixel and links pointing at the live server."""
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "campaigns.sending.outbox.OutboxEmailBackend"
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    campaign_launch(campaign(segments=[region_segment()]))
    return OutboxMessage.objects.get()


def test_reading_the_invitation_in_the_outbox_counts_no_open(browser, kept, product_user):
    page = browser()
    log_in(page, product_user)
    page.goto(reverse("outbox:detail", args=[kept.pk]))
    frame = page.frame_locator("iframe")
    frame.get_by_text("Je donne mon avis").first.wait_for()  # its links inert, the email reads as sent
    page.wait_for_load_state("networkidle")
    invitation = Invitation.objects.get()
    assert invitation.open_count == 0 and invitation.first_opened_at is None
    assert not TrackingEvent.objects.exists()


def test_the_decoy_link_is_never_shown_nor_focusable(browser, kept):
    html = message_from_bytes(bytes(kept.message), policy=policy.default).get_body(("html",)).get_content()
    token = Invitation.objects.get().token
    for viewport in (PHONE, None):
        page = browser(viewport) if viewport else browser()
        page.set_content(html)
        decoy = page.locator(f'a[href$="/i/{token}/v/"]')
        assert decoy.count() == 1
        assert not decoy.is_visible() and decoy.bounding_box() is None
        assert not decoy.evaluate("link => link.checkVisibility()")
        focused = []
        for _ in range(8):
            page.keyboard.press("Tab")
            focused.append(page.evaluate("document.activeElement && document.activeElement.getAttribute('href')"))
        assert any(href and href.endswith(f"/i/{token}/") for href in focused)  # the keyboard reaches the real link
        assert not any(href and href.endswith("/v/") for href in focused)
        assert "/v/" not in page.locator("body").aria_snapshot() and "\u200b" not in page.locator("body").inner_text()
    assert TrackingEvent.objects.filter(kind=TrackingEvent.Kind.DECOY).count() == 0  # the browser fetched nothing
