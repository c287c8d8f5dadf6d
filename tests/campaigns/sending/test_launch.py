"""Launching: one invitation per contactable member, the reasons a launch is refused, the frequency cap."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import LaunchError, campaign_launch
from tests.campaigns.factories import campaign, region_segment

pytestmark = pytest.mark.django_db
Status = Invitation.Status


def test_launch_invites_each_contactable_member_once_with_an_unguessable_token(audience):
    target = campaign(segments=[region_segment(), region_segment("Tous les Bretons")])
    assert campaign_launch(target) == 2
    invitations = Invitation.objects.filter(campaign=target)
    assert sorted(i.ambassador.email for i in invitations) == ["john@example.com", "lea@exemple.fr"]
    tokens = [i.token for i in invitations]
    assert all(re.fullmatch(r"[0-9a-f]{64}", token) for token in tokens) and len(set(tokens)) == 2
    target.refresh_from_db()
    assert target.status == Campaign.Status.LIVE and target.launched_at is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"subject_fr": ""}, "e-mail d'invitation en français"),
        ({"status": Campaign.Status.CLOSED, "launched_at": timezone.now()}, "déjà lancée"),
    ],
)
def test_launch_is_refused_with_the_reason(audience, change, message):
    target = campaign(segments=[region_segment()], **change)
    with pytest.raises(LaunchError, match=message):
        campaign_launch(target)
    assert not Invitation.objects.exists()


def test_launch_without_segment_is_refused():
    with pytest.raises(LaunchError, match="au moins un segment"):
        campaign_launch(campaign())


def test_frequency_cap_skips_and_counts_the_over_solicited(audience, settings, django_capture_on_commit_callbacks):
    settings.CONTACT_CAP_COUNT, settings.CONTACT_CAP_DAYS = 2, 30
    segment = region_segment()
    for number in range(2):
        campaign_launch(campaign(slug=f"avant-{number}", segments=[segment]))
    third = campaign(slug="troisieme", segments=[segment])
    campaign_launch(third)
    assert set(Invitation.objects.filter(campaign=third).values_list("status", "skip_reason")) == {
        (Status.SKIPPED, "frequency_cap")
    }


def test_launch_campaign_command(audience, capsys):
    campaign(segments=[region_segment()])
    call_command("launch_campaign", "banque-mobile")
    assert "2 invitations créées" in capsys.readouterr().out
    with pytest.raises(Exception, match="Aucune campagne"):
        call_command("launch_campaign", "inconnue")
