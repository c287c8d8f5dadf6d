import pytest
from django.urls import reverse

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from ideas.models import Board, Category, Idea
from tests.campaigns.factories import ambassador, campaign, region_segment


@pytest.fixture
def board(db):
    ambassador("lea@exemple.fr", region="bre", first_name="Léa", last_name="Martin")
    ambassador("john@example.com", region="bre", first_name="John", last_name="Smith", locale="en")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.IDEATION)
    campaign_launch(target)
    board = Board.objects.create(campaign=target)
    Category.objects.create(board=board, slug="appli", name_fr="Application", name_en="App", sort_order=0)
    Category.objects.create(board=board, slug="agence", name_fr="Agence", name_en="Branch", sort_order=1)
    return board


@pytest.fixture
def invitation(board):
    return Invitation.objects.select_related("ambassador", "campaign").get(ambassador__email="lea@exemple.fr")


@pytest.fixture
def visitor(client, invitation):
    """A client that followed Léa's personal link."""
    assert client.get(reverse("campaigns:personal_link", args=[invitation.token])).status_code == 302
    return client


def idea(board, title="Un virement instantané gratuit", **fields):
    return Idea.objects.create(campaign_id=board.campaign_id, title=title, **fields)
