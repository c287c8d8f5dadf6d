"""The analyst reads what ambassadors wrote, in a real Chromium against a live server: a campaign whose survey's
free-text answers, ideas and comments (written over three weeks, some with a phone number) were analysed as they
arrived (django-q2 runs each task in place here); the report's listening section shows the sentiment, the pain
points first, each theme's weekly trend and scrubbed quotes. Photographed for
docs/screenshots/journey-analyst-listening-desktop.png."""

from datetime import timedelta

import pytest
from django_q.conf import Conf

from campaigns.models import Campaign
from reports.models import ContributionAnalysis
from tests.browser.conftest import SCREENSHOTS, log_in
from tests.campaigns.factories import audience, campaign, panel
from tests.reports.conftest import T0, invite, respond
from tests.reports.listening.fixtures import COMPLAINTS_PHONE, FEES, PRAISE_APP
from tests.reports.listening.writing import comments_written, ideas_written
from tests.surveys.factories import budget_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CALLED_BACK = [f"{text} Rappelez-moi au 06 12 34 56 78." for text in COMPLAINTS_PHONE[:5]]


def campaign_written(people):
    """Week 10: free-text answers (the phone line, fees); week 11: ideas (the mobile app); week 12: comments (the
    phone line again, with a phone number)."""
    live = campaign(segments=[panel(people)], kind=Campaign.Kind.BOTH, status=Campaign.Status.LIVE, launched_at=T0)
    invitations = [invite(live, person, answered=24) for person in people]
    survey = budget_survey(live)
    for invitation, text in zip(invitations, COMPLAINTS_PHONE + FEES):
        respond(invitation, survey, usage="jour", idees=text)
    ideas = ideas_written(live, PRAISE_APP, start=11, at=T0 + timedelta(weeks=1))
    comments_written(ideas[0], CALLED_BACK, start=17, at=T0 + timedelta(weeks=2))
    return live


def test_analyst_reads_the_pain_points_and_their_trend_with_no_phone_number(
    browser, live_server, analyst_user, settings, monkeypatch
):
    settings.PRIVACY_THRESHOLD = 5
    monkeypatch.setattr(Conf, "SYNC", True)  # each idea's and comment's task runs as it is queued
    live = campaign_written(audience(24))
    assert ContributionAnalysis.objects.filter(comment__idea__campaign=live, sentiment="negative").count() == 5

    page = browser()
    log_in(page, analyst_user)
    page.goto(f"/admin/campaign-reports/{live.pk}/")
    section = page.locator("section[data-listening]")
    section.scroll_into_view_if_needed()
    assert section.locator("tr[data-source=answers] td").inner_text() == "11"
    assert section.locator("tr[data-source=ideas] td").inner_text() == "6"
    themes = section.locator("table[data-themes] tbody tr")
    assert themes.count() >= 2 and "telephone" in themes.first.get_attribute("data-theme")
    trend = section.locator("table[data-theme-trend]")
    assert trend.locator("thead th").all_inner_texts()[1:] == ["2026-W10", "2026-W11", "2026-W12"]
    text = section.inner_text()
    assert "[téléphone]" in text and "06 12 34 56 78" not in page.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # the admin scrolls inside its own container: the whole
    page.set_viewport_size({"width": 1280, "height": int(section.bounding_box()["height"]) + 200})  # section in view
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(SCREENSHOTS / "journey-analyst-listening-desktop.png"), animations="disabled")
