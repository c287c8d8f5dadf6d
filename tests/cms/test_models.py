"""The page types: where they may sit, what each shows to an anonymous visitor and to an ambassador who came by
their personal link, in a fixed number of queries."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from campaigns.models import Campaign, Invitation
from cms.models import CampaignIndexPage, CampaignPage, HomePage, RoadmapPage
from ideas.models import Idea, Moderation, StatusChange
from surveys.models import Response
from tests.campaigns.factories import campaign
from tests.cms.conftest import follow_link, invitation_of
from tests.cms.factories import publish

pytestmark = pytest.mark.django_db


class TestPageTypes(WagtailPageTestCase):
    """Each page type sits only where it makes sense, and an editor can create each one in the admin."""

    def test_parent_and_child_rules(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {CampaignIndexPage, RoadmapPage})
        self.assertAllowedParentPageTypes(CampaignIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CampaignIndexPage, {CampaignPage})
        self.assertAllowedParentPageTypes(CampaignPage, {CampaignIndexPage})
        self.assertAllowedSubpageTypes(CampaignPage, set())
        self.assertAllowedParentPageTypes(RoadmapPage, {HomePage})
        self.assertCanNotCreateAt(HomePage, CampaignPage)
        self.assertCanNotCreateAt(CampaignPage, CampaignPage)

    def test_each_page_type_is_created_through_the_admin(self):
        self.login()
        home = HomePage.objects.get()
        target = campaign(slug="page-admin", status=Campaign.Status.LIVE, launched_at=timezone.now())
        self.assertCanCreate(
            home,
            CampaignIndexPage,
            nested_form_data(
                {"title": "Campagnes", "slug": "campagnes", "intro": rich_text("<p>Toutes nos campagnes.</p>")}
            ),
        )
        index = CampaignIndexPage.objects.get()
        self.assertCanNotCreateAt(CampaignIndexPage, CampaignIndexPage)  # max one per home page
        data = nested_form_data(
            {
                "title": "La banque mobile",
                "slug": "banque-mobile",
                "campaign": target.pk,
                "intro": "Votre avis compte.",
                "hero_alt": "",
                "body": streamfield(
                    [
                        ("heading", {"text": "Le concept", "level": "h2"}),
                        ("paragraph", rich_text("<p>Un écran « Mon mois ».</p>")),
                        ("quote", {"quote": "Rien sans vous.", "author": "Claire", "role": "équipe produit"}),
                        (
                            "faq",
                            {
                                "title": "Questions",
                                "items": streamfield(
                                    [
                                        (
                                            "item",
                                            {
                                                "question": "Combien de temps ?",
                                                "answer": rich_text("<p>Dix minutes.</p>"),
                                            },
                                        )
                                    ]
                                ),
                            },
                        ),
                        ("call_to_action", {"heading": "À vous", "text": "", "target": "all"}),
                    ]
                ),
            }
        )
        self.assertCanCreate(index, CampaignPage, data)
        self.assertCanCreate(
            home,
            RoadmapPage,
            nested_form_data(
                {
                    "title": "Feuille de route",
                    "slug": "feuille-de-route",
                    "intro": rich_text("<p>Vous avez dit.</p>"),
                    "campaign": "",
                }
            ),
        )
        page = CampaignPage.objects.get()
        assert page.live and [block.block_type for block in page.body] == [
            "heading",
            "paragraph",
            "quote",
            "faq",
            "call_to_action",
        ]
        self.assertPageIsRenderable(page)
        self.assertPageIsPreviewable(page, post_data=data)

    def test_a_campaign_has_one_page_per_language(self):
        self.login()
        home = HomePage.objects.get()
        target = campaign(slug="une-page")
        index = home.add_child(instance=CampaignIndexPage(title="Campagnes", slug="campagnes"))
        index.add_child(instance=CampaignPage(title="Première", slug="premiere", campaign=target, intro="x"))
        response = self.client.post(
            reverse("wagtailadmin_pages:add", args=["cms", "campaignpage", index.pk]),
            nested_form_data(
                {
                    "title": "Seconde",
                    "slug": "seconde",
                    "campaign": target.pk,
                    "intro": "y",
                    "hero_alt": "",
                    "body": streamfield([]),
                }
            ),
        )
        assert response.status_code == 200
        assert "déjà une page dans cette langue" in response.content.decode()
        assert CampaignPage.objects.count() == 1

    def test_an_abandoned_draft_does_not_keep_the_campaign_from_its_page(self):
        self.login()
        home = HomePage.objects.get()
        target = campaign(slug="brouillon")
        index = home.add_child(instance=CampaignIndexPage(title="Campagnes", slug="campagnes"))
        # what Wagtail's autosave keeps of a form left half-way: a draft, never published
        index.add_child(instance=CampaignPage(title="Oubliée", slug="oubliee", campaign=target, intro="x", live=False))
        response = self.client.post(
            reverse("wagtailadmin_pages:add", args=["cms", "campaignpage", index.pk]),
            nested_form_data(
                {
                    "title": "La vraie",
                    "slug": "la-vraie",
                    "campaign": target.pk,
                    "intro": "y",
                    "hero_alt": "",
                    "body": streamfield([]),
                    "action-publish": "publish",
                }
            ),
        )
        assert response.status_code == 302, response.content.decode()[:500]
        assert CampaignPage.objects.live().get(campaign=target).title == "La vraie"


def test_anonymous_visitor_sees_the_public_page_and_calls_to_act(client, pages):
    response = client.get(pages["campaign"].url)
    html = response.content.decode()
    assert response.status_code == 200 and "data-standing" not in html
    assert f'href="{reverse("surveys:start", args=["banque-mobile"])}"' in html
    assert f'href="{reverse("ideas:board", args=["banque-mobile"])}"' in html
    assert "&lt;script&gt;alert(&#x27;citation&#x27;)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "Découvrez le concept &lt;em&gt;et&lt;/em&gt;" in html
    assert "Vary" in response and "Cookie" in response["Vary"]


def test_ambassador_sees_where_they_stand_and_the_right_call_to_act(client, pages):
    landing = follow_link(client, "lea@exemple.fr")
    page = client.get(client.get(landing["Location"])["Location"])  # personal link -> landing -> campaign page
    html = page.content.decode()
    assert page.request["PATH_INFO"] == pages["campaign"].url
    assert "Bonjour Léa" in html and "pas encore répondu au questionnaire" in html
    assert "Répondre au questionnaire" in html and "private" in page["Cache-Control"]

    invitation = invitation_of("lea@exemple.fr")
    Response.objects.create(survey=invitation.campaign.survey, invitation=invitation)
    assert "Reprendre le questionnaire" in client.get(pages["campaign"].url).content.decode()
    Response.objects.filter(invitation=invitation).update(submitted_at=timezone.now())
    Idea.objects.create(campaign=invitation.campaign, title="Virement par contact", author=invitation.ambassador)
    html = client.get(pages["campaign"].url).content.decode()
    assert "vos réponses au questionnaire nous sont parvenues" in html and "Revoir mes réponses" in html
    assert "Vous avez proposé 1 idée." in html and "Proposer une autre idée ou voter" in html


def test_landing_leads_to_the_page_in_the_ambassadors_language(client, pages, english):
    translation = pages["campaign"].copy_for_translation(english, copy_parents=True)
    translation.title = "Your mobile bank"
    publish(translation)
    follow_link(client, "john@example.com")
    response = client.get(reverse("campaigns:landing", args=["banque-mobile"]))
    assert response["Location"] == translation.url and translation.url.startswith("/en/")
    english_page = client.get(translation.url).content.decode()
    assert '<html lang="en">' in english_page and "Your mobile bank" in english_page and "Hello John" in english_page
    follow_link(client, "lea@exemple.fr")
    assert client.get(reverse("campaigns:landing", args=["banque-mobile"]))["Location"] == pages["campaign"].url


def test_root_leads_to_the_visitors_language(client, pages, english):
    publish(pages["home"].copy_for_translation(english))
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")["Location"] == "/en/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR")["Location"] == "/fr/"


def test_page_of_a_campaign_not_yet_launched_shows_to_staff_only(client, client_for, product_user, pages):
    Campaign.objects.filter(pk=pages["campaign"].campaign_id).update(status=Campaign.Status.DRAFT, launched_at=None)
    assert client.get(pages["campaign"].url).status_code == 404
    assert client_for(product_user).get(pages["campaign"].url).status_code == 200


def test_closed_campaign_shows_its_results_without_small_groups(client, pages, settings):
    target = pages["campaign"].campaign
    Invitation.objects.filter(campaign=target).update(responded_at=None)
    Invitation.objects.filter(pk__in=Invitation.objects.filter(campaign=target).values("pk")[:3]).update(
        responded_at=timezone.now()
    )
    Campaign.objects.filter(pk=target.pk).update(
        status=Campaign.Status.CLOSED, closes_at=timezone.now() - timedelta(days=1)
    )
    idea = Idea.objects.create(
        campaign=target,
        title="Virement par contact",
        status=Idea.Status.PLANNED,
        vote_count=7,
        author=invitation_of("lea@exemple.fr").ambassador,
    )
    html = client.get(pages["campaign"].url).content.decode()
    assert "Les résultats en bref" in html and "Cette campagne est terminée" in html
    assert 'data-call="survey"' not in html  # nothing to act on any more
    assert html.count("non publié") == 3  # participants (3), ideas and ideas adopted (1 author): under 5
    assert "Ambassadeurs invités</dt><dd>8" in html and idea.title in html
    settings.PRIVACY_THRESHOLD = 3
    html = " ".join(client.get(pages["campaign"].url).content.decode().split())
    assert 'Ont participé</dt><dd>3 <span class="rate">(38 %)</span>' in html


def test_home_and_index_list_campaigns_by_state(client, pages):
    other = campaign(slug="epargne", title="Épargne", status=Campaign.Status.CLOSED, launched_at=timezone.now())
    publish(
        pages["index"].add_child(
            instance=CampaignPage(
                title="Épargne : vos priorités", slug="epargne", campaign=other, intro="Ce qui en est sorti."
            )
        )
    )
    draft = campaign(slug="secret", title="Secret")
    publish(
        pages["index"].add_child(
            instance=CampaignPage(title="Projet secret", slug="secret", campaign=draft, intro="Pas encore.")
        )
    )
    home = client.get(pages["home"].url).content.decode()
    assert "La banque mobile de demain" in home and "Épargne : vos priorités" not in home
    assert "Projet secret" not in home
    index = client.get(pages["index"].url).content.decode()
    assert index.index("La banque mobile de demain") < index.index("Terminées") < index.index("Épargne : vos priorités")
    assert "Projet secret" not in index


def test_roadmap_shows_planned_started_and_delivered_ideas_with_their_answers(client, pages, live_campaign):
    shown = {}
    for number, status in enumerate([Idea.Status.PLANNED, Idea.Status.IN_PROGRESS, Idea.Status.DELIVERED]):
        shown[status] = Idea.objects.create(
            campaign=live_campaign, title=f"<script>x</script> Idée {number}", status=status, vote_count=10 + number
        )
        StatusChange.objects.create(
            idea=shown[status],
            from_status="new",
            to_status=status,
            answer_fr=f"Réponse {number}",
            answer_en=f"Answer {number}",
        )
    Idea.objects.create(
        campaign=live_campaign, title="Idée masquée", status=Idea.Status.PLANNED, moderation=Moderation.HIDDEN
    )
    Idea.objects.create(campaign=live_campaign, title="Idée nouvelle")
    html = client.get(pages["roadmap"].url).content.decode()
    for number in range(3):
        assert f"&lt;script&gt;x&lt;/script&gt; Idée {number}" in html and f"Réponse {number}" in html
    assert "Idée masquée" not in html and "Idée nouvelle" not in html and "<script>x" not in html
    assert html.index("Idée 0") < html.index("Idée 1") < html.index("Idée 2")  # planned, in progress, delivered
    assert "12 votes" in html


@pytest.mark.parametrize("name", ["home", "index", "campaign", "roadmap"])
def test_public_pages_answer_in_a_fixed_number_of_queries(
    client, pages, live_campaign, name, django_assert_max_num_queries
):
    def grow():
        for number in range(5):
            idea = Idea.objects.create(campaign=live_campaign, title=f"Idée {number}", status=Idea.Status.PLANNED)
            StatusChange.objects.create(idea=idea, from_status="new", to_status="planned", answer_fr="Oui")
            other = campaign(slug=f"autre-{number}", status=Campaign.Status.LIVE, launched_at=timezone.now())
            publish(
                pages["index"].add_child(
                    instance=CampaignPage(
                        title=f"Autre {number}", slug=f"autre-{number}", campaign=other, intro="Encore une."
                    )
                )
            )

    url = pages[name].url
    client.get(url)  # caches warmed (site root paths)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    grow()
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_ambassadors_campaign_page_answers_in_a_fixed_number_of_queries(client, pages, django_assert_max_num_queries):
    follow_link(client, "lea@exemple.fr")
    client.get(pages["campaign"].url)
    with django_assert_max_num_queries(15):
        assert client.get(pages["campaign"].url).status_code == 200


def test_every_page_renders_for_an_ambassador_who_came_by_their_link(client, pages):
    follow_link(client, "lea@exemple.fr")
    for name in ("home", "index", "campaign", "roadmap"):
        response = client.get(pages[name].url)
        assert response.status_code == 200, name
        assert ("Bonjour Léa" in response.content.decode()) == (name == "campaign")


def test_a_campaign_pages_body_is_rendered_once_per_revision_and_a_new_one_shows_at_once(
    client, pages, django_assert_max_num_queries
):
    url = pages["campaign"].url
    first = client.get(url).content.decode()
    changed = json.dumps([{"type": "heading", "value": {"text": "Écrit sans publier", "level": "h2"}}])
    CampaignPage.objects.filter(pk=pages["campaign"].pk).update(body=changed)  # past Wagtail: no new revision
    again = client.get(url).content.decode()
    assert "Écrit sans publier" not in again and "Une appli pensée avec vous" in again  # the fragments kept
    assert "Bonjour" not in first
    follow_link(client, "lea@exemple.fr")
    with django_assert_max_num_queries(15):  # the body from the cache; the standing and the calls are Léa's own
        page = client.get(url).content.decode()
    assert "Bonjour Léa" in page and "Écrit sans publier" not in page
    campaign_page = CampaignPage.objects.get(pk=pages["campaign"].pk)
    campaign_page.body = json.dumps([{"type": "heading", "value": {"text": "Nouveau titre", "level": "h2"}}])
    publish(campaign_page)
    page = client.get(url).content.decode()
    assert "Nouveau titre" in page and "Bonjour Léa" in page
