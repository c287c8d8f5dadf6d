import pytest
from django.urls import reverse
from wagtail.models import Locale

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from ideas.models import Board
from surveys.models import Question, Section, Survey
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.cms.factories import campaign_index, campaign_page, home_page, roadmap

BODY = [
    {"type": "heading", "value": {"text": "Une appli pensée avec vous", "level": "h2"}},
    {"type": "paragraph", "value": "<p>Nous simplifions <b>tout</b>.</p>"},
    {
        "type": "quote",
        "value": {"quote": "<script>alert('citation')</script> Rien sans vous.", "author": "Claire", "role": ""},
    },
    {
        "type": "faq",
        "value": {"title": "Questions", "items": [{"question": "Combien de temps ?", "answer": "<p>Dix minutes.</p>"}]},
    },
    {"type": "call_to_action", "value": {"heading": "À vous", "text": "Participez.", "target": "all"}},
]


@pytest.fixture
def home(db):
    return home_page()


@pytest.fixture
def live_campaign(db):
    """A live survey-and-ideas campaign sent to Léa (French), John (English) and six more Bretons."""
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    ambassador("john@example.com", region="bre", first_name="John", locale="en")
    for number in range(6):
        ambassador(f"breton{number}@exemple.fr", region="bre")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.BOTH, theme="Application mobile")
    survey = Survey.objects.create(campaign=target, title_fr="Votre avis", title_en="Your views")
    section = Section.objects.create(survey=survey, sort_order=0, title_fr="Page 1")
    Question.objects.create(
        survey=survey,
        section=section,
        sort_order=0,
        code="q1",
        kind=Question.Kind.SHORT_TEXT,
        text_fr="Qu'en pensez-vous ?",
    )
    Board.objects.create(campaign=target)
    campaign_launch(target)
    return target


@pytest.fixture
def pages(home, live_campaign):
    """The published site: an index with the live campaign's page, and a roadmap."""
    index = campaign_index(home)
    page = campaign_page(index, live_campaign, intro="Découvrez le concept <em>et</em> donnez votre avis.", body=BODY)
    return {"home": home, "index": index, "campaign": page, "roadmap": roadmap(home)}


@pytest.fixture
def english(db):
    return Locale.objects.get_or_create(language_code="en")[0]


def invitation_of(email):
    return Invitation.objects.select_related("campaign", "ambassador").get(ambassador__email=email)


def follow_link(client, email):
    """The client follows that ambassador's personal link (and is then identified for the visit)."""
    response = client.get(reverse("campaigns:personal_link", args=[invitation_of(email).token]))
    assert response.status_code == 302
    return response
