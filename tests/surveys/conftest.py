import pytest
from django.urls import reverse

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from surveys.models import Survey
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.surveys.factories import budget_survey


@pytest.fixture
def invitation(db):
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.SURVEY)
    budget_survey(target)
    campaign_launch(target)
    return Invitation.objects.select_related("campaign", "ambassador").get()


@pytest.fixture
def survey(invitation):
    return Survey.objects.get(campaign=invitation.campaign)


@pytest.fixture
def visitor(client, invitation, survey):
    """A client that followed the ambassador's personal link."""
    assert client.get(reverse("campaigns:personal_link", args=[invitation.token])).status_code == 302
    return client
