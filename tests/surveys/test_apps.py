import pytest

from campaigns.models import Campaign
from campaigns.sending.launch import LaunchError, campaign_launch
from campaigns.tracking import destinations
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.surveys.factories import budget_survey

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", [Campaign.Kind.SURVEY, Campaign.Kind.BOTH])
def test_a_survey_campaign_does_not_launch_without_its_survey(kind):
    ambassador("lea@exemple.fr", region="bre")
    target = campaign(segments=[region_segment()], kind=kind)
    with pytest.raises(LaunchError, match="sans questionnaire"):
        campaign_launch(target)
    budget_survey(target)
    assert campaign_launch(target) == 1
    assert "/s/banque-mobile/" in [path for _destination, path in destinations.for_campaign(target)]


def test_an_ideation_campaign_launches_without_a_survey_and_offers_none():
    ambassador("lea@exemple.fr", region="bre")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.IDEATION)
    assert campaign_launch(target) == 1
    assert destinations.resolve(target, "survey") is None
