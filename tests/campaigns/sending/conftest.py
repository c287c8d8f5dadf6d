"""The audience and the launched campaign the sending tests share."""

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.sending.launch import campaign_launch
from tests.campaigns.factories import ambassador, campaign, region_segment


@pytest.fixture
def audience():
    return {
        "lea": ambassador("lea@exemple.fr", region="bre", first_name="Léa"),
        "john": ambassador("john@example.com", region="bre", locale="en", first_name="John"),
        "gone": ambassador("gone@exemple.fr", region="bre", opted_out_at=timezone.now()),
        "paris": ambassador("paris@exemple.fr", region="idf"),
    }


@pytest.fixture
def live(audience, smtp_server, django_capture_on_commit_callbacks):
    """A campaign to the Bretons, launched: its emails went through the SMTP server."""
    target = campaign(segments=[region_segment()])
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(target)
    return Campaign.objects.get(pk=target.pk)
