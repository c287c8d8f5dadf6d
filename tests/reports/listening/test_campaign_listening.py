"""A campaign's free-text answers on its report: sentiment, themes with pain points first, quotes scrubbed and
only for themes of at least k authors."""

import re

from django.urls import reverse

from campaigns.models import Invitation
from reports.listening.campaign_listening import campaign_listening
from tests.reports.conftest import respond
from tests.reports.listening.fixtures import COMPLAINTS_PHONE, FEES, PRAISE_APP

WITH_PHONE = "Rappelez-moi au 06 12 34 56 78 : service client injoignable au téléphone. Lamentable, honteux, nul."


def answered_freely(survey, texts, start=0):
    invitations = Invitation.objects.filter(campaign=survey.campaign).exclude(status=Invitation.Status.SKIPPED)
    for invitation, text in zip(invitations.order_by("pk")[start:], texts):
        respond(invitation, survey, usage="jour", idees=text)
    return survey


def test_themes_come_most_negative_first_with_scrubbed_quotes(survey, settings):
    settings.PRIVACY_THRESHOLD = 5
    answered_freely(survey, [WITH_PHONE, *COMPLAINTS_PHONE, *PRAISE_APP, *FEES])
    listening = campaign_listening(survey.campaign)
    assert listening.texts == 18
    assert listening.sentiments["negative"] >= 11 and listening.sentiments["positive"] == 6
    names = [theme.name for theme in listening.themes]
    assert len(names) == 3 and "telephone" in names[0] and "mobile" in names[-1]
    pain = listening.themes[0]
    assert pain.authors == 7 and pain.score < -0.5 and pain.negative_share > 0.8
    assert len(pain.quotes) == 3 and not any("06 12" in quote for quote in pain.quotes)
    assert listening.themes[-1].score > 0.5 and listening.hidden_themes == 0


def test_a_theme_of_fewer_than_k_authors_shows_neither_itself_nor_quotes(survey, settings):
    settings.PRIVACY_THRESHOLD = 7
    answered_freely(survey, [*COMPLAINTS_PHONE, *PRAISE_APP, *FEES])
    listening = campaign_listening(survey.campaign)
    assert listening.themes == [] and listening.hidden_themes == 3
    assert listening.sentiments["positive"] is None  # 6 authors, under k


def test_the_report_page_shows_pain_points_first_and_no_phone_number(survey, settings, client_for, analyst_user):
    settings.PRIVACY_THRESHOLD = 5
    answered_freely(survey, [WITH_PHONE, *COMPLAINTS_PHONE, *PRAISE_APP, *FEES])
    page = client_for(analyst_user).get(reverse("reports:campaign", args=[survey.campaign.pk])).content.decode()
    section = re.search(r"<section class=\"report-listening\".*?</section>", page, re.S).group(0)
    assert "Points de douleur" in section
    themes = re.findall(r'data-theme="([^"]+)"', section)
    assert len(themes) == 3 and "telephone" in themes[0] and "mobile" in themes[-1]
    assert "[téléphone]" in section and "06 12 34 56 78" not in page


def test_a_survey_without_free_texts_has_no_listening(survey):
    assert campaign_listening(survey.campaign) is None


def test_the_analysis_is_kept_until_a_new_text_arrives(survey, settings, django_assert_num_queries):
    settings.PRIVACY_THRESHOLD = 5
    answered_freely(survey, [*COMPLAINTS_PHONE, *PRAISE_APP])
    first = campaign_listening(survey.campaign)
    with django_assert_num_queries(1):  # only the check for new texts
        assert campaign_listening(survey.campaign) == first
    answered_freely(survey, FEES, start=len(COMPLAINTS_PHONE + PRAISE_APP))
    assert campaign_listening(survey.campaign).texts == len(COMPLAINTS_PHONE + PRAISE_APP + FEES)
