"""A launched one-page survey answered through the personal link, for the tests of one question type."""

from django.urls import reverse

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from surveys.models import Section, Survey
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.surveys.types.conftest import question


def launched(kind, code="q1", **fields):
    """(invitation, question): Léa invited to a launched campaign whose one page asks one question of ``kind``."""
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.SURVEY)
    survey = Survey.objects.create(
        campaign=target, title_fr="Vos services", allow_uploads=kind == "file_upload", anonymous=False
    )
    Section.objects.create(survey=survey, sort_order=0, title_fr="Page 1", title_en="Page 1")
    asked = question(survey, code, kind, **fields)
    campaign_launch(target)
    return Invitation.objects.select_related("campaign", "ambassador").get(), asked


def visit(client, invitation):
    """Follow the personal link; returns the address of the survey's first page."""
    assert client.get(reverse("campaigns:personal_link", args=[invitation.token])).status_code == 302
    return reverse("surveys:page", args=[invitation.campaign.slug, 1])
