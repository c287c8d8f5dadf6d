"""Atom feeds of new campaigns and of the roadmap's changes, per language."""

from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from cms.models import CampaignPage
from ideas.models import Idea, Moderation, StatusChange
from tests.campaigns.factories import campaign
from tests.cms.factories import publish

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    return [
        (entry.findtext(f"{ATOM}title"), entry.find(f"{ATOM}link").get("href"), entry.findtext(f"{ATOM}summary"))
        for entry in feed.iter(f"{ATOM}entry")
    ]


def test_campaigns_feed_lists_published_pages_of_launched_campaigns(client, pages):
    draft = campaign(slug="secret")
    publish(
        pages["index"].add_child(
            instance=CampaignPage(title="Projet secret", slug="secret", campaign=draft, intro="Pas encore.")
        )
    )
    unpublished = campaign(slug="brouillon", status=Campaign.Status.LIVE, launched_at=timezone.now())
    pages["index"].add_child(
        instance=CampaignPage(
            title="Pas publiée", slug="brouillon", campaign=unpublished, intro="Brouillon.", live=False
        )
    )
    [(title, link, summary)] = entries(client, reverse("cms:campaigns_feed"))
    assert title == "La banque mobile de demain" and link == f"http://testserver{pages['campaign'].url}"
    assert summary == "Découvrez le concept &lt;em&gt;et&lt;/em&gt; donnez votre avis."


def test_roadmap_feed_follows_ideas_onto_the_roadmap_in_each_language(client, pages, live_campaign):
    idea = Idea.objects.create(campaign=live_campaign, title="Virement par contact", status=Idea.Status.PLANNED)
    StatusChange.objects.create(
        idea=idea,
        from_status="new",
        to_status="planned",
        answer_fr="Prévu au printemps.",
        answer_en="Planned for spring.",
    )
    hidden = Idea.objects.create(
        campaign=live_campaign, title="Masquée", status=Idea.Status.PLANNED, moderation=Moderation.HIDDEN
    )
    StatusChange.objects.create(idea=hidden, from_status="new", to_status="planned", answer_fr="Non.")
    StatusChange.objects.create(idea=idea, from_status="new", to_status="under_review", answer_fr="À l'étude.")
    [(title, link, summary)] = entries(client, reverse("cms:roadmap_feed"))
    assert title == "Virement par contact : Prévue" and summary == "Prévu au printemps."
    assert link == f"http://testserver{reverse('ideas:idea', args=[live_campaign.slug, idea.pk])}"
    with_english = client.get("/en/flux/feuille-de-route/")
    assert b"Planned for spring." in with_english.content and b'xml:lang="en"' in with_english.content
