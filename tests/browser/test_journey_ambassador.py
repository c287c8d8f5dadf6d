"""An ambassador's whole journey in a real Chromium, from the invitation a real django-q2 cluster (Redis broker)
sent to the loopback SMTP server: the campaign's Wagtail page, the survey over two sittings, the idea board, then
the opt-out from the email. axe-core checks every page on the way (WCAG 2.x A/AA, serious and critical
violations); the key screens are photographed on a phone and a desktop (docs/screenshots/journey-ambassador-*)."""

import json
import re

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from ideas.models import Idea, Vote
from surveys.models import Answer, Response
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.cluster import wait_for
from tests.cms.factories import campaign_index, campaign_page, home_page, picture
from tests.ideas.factories import MOBILE_IDEAS, idea_board
from tests.surveys.factories import SCRIPT_LABEL, budget_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

IDEA_TITLE = "Prévenir avant un prélèvement inhabituel"
IDEA_BODY = "Une alerte la veille quand un prélèvement dépasse le montant habituel."


def landing_page(target):
    """The campaign's published Wagtail page, with the blocks an editor would use."""
    index = campaign_index(home_page())
    image = picture()
    body = [
        {"type": "heading", "value": {"text": "Une application pensée avec vous", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Nous voulons la simplifier autour de ce que vous faites le plus.</p>"},
        {
            "type": "concept",
            "value": {
                "title": "Accueil « Mon mois »",
                "points": ["Le solde jusqu'à la paie"],
                "description": "<p>Ce qui est entré, sorti, et ce qui reste.</p>",
                "image": {"image": image.pk, "decorative": False, "alt_text": "Maquette de l'écran d'accueil"},
            },
        },
        {
            "type": "faq",
            "value": {
                "title": "Questions fréquentes",
                "items": [
                    {
                        "question": "Combien de temps faut-il ?",
                        "answer": "<p>Dix minutes, en plusieurs fois si besoin.</p>",
                    }
                ],
            },
        },
    ]
    return campaign_page(
        index,
        target,
        title="Votre banque mobile de demain",
        hero_image=image,
        hero_alt="Maquette de l'application",
        intro="Découvrez le concept et proposez vos idées.",
        body=json.dumps(body),
    )


def check(page, name=None):
    """axe on the page; with ``name``, it is also photographed on a phone and on a desktop (and checked on both:
    the layouts differ)."""
    assert_accessible(page)
    if name:
        screenshot(page, f"journey-ambassador-{name}-phone")
        page.set_viewport_size(DESKTOP)
        assert_accessible(page)
        screenshot(page, f"journey-ambassador-{name}-desktop")
        page.set_viewport_size(PHONE)


def test_ambassador_goes_from_the_emailed_invitation_through_survey_and_ideas_to_the_opt_out(
    chromium, live_server, cluster, smtp_server, settings
):
    settings.SITE_URL = live_server.url
    lea = ambassador("lea@exemple.fr", region="bre", first_name="Léa", last_name="Martin")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.BOTH, theme="Application mobile")
    budget_survey(target)
    idea_board(target, MOBILE_IDEAS)  # before the launch: the ideas have no author, no vote and no comment yet
    landing = landing_page(target)
    cluster.env["SITE_URL"] = live_server.url
    cluster.start()
    assert campaign_launch(target) == 1  # on commit, the sending goes to the cluster's queue
    [message] = wait_for(
        lambda: smtp_server.to("lea@exemple.fr"),
        timeout=60,
        interval=0.2,
        what="the invitation at the SMTP server",
        explain=cluster.log_tail,
    )
    html = message.get_body(("html",)).get_content()
    link = re.search(r'href="(http://[^"]+/i/[0-9a-f]{64}/)"', html).group(1)
    unsubscribe = re.search(r'<a href="([^"]+)"[^>]*>Ne plus recevoir nos invitations</a>', html).group(1)
    assert message["List-Unsubscribe"].strip() == f"<{unsubscribe}>"  # the long header is folded: strip the fold
    assert re.fullmatch(rf"{live_server.url}/u/[0-9a-f]{{64}}/", unsubscribe)

    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)

    # 1. the link leads to the campaign's Wagtail page, which knows who came
    page.goto(link)
    page.wait_for_url(f"**{landing.url}")
    assert page.get_by_role("heading", name="Votre banque mobile de demain", level=1).is_visible()
    standing = page.locator("[data-standing]")
    assert standing.get_by_role("heading", name="Bonjour Léa").is_visible()
    assert standing.get_by_text("Vous n'avez pas encore répondu au questionnaire.").is_visible()
    check(page, "campaign")

    # 2. the survey, first sitting: page 1 (with its error summary), page 2, then "finish later"
    standing.get_by_role("link", name="Répondre au questionnaire").click()
    page.wait_for_url("**/s/banque-mobile/**")
    assert page.get_by_text("classe vos dépenses").is_visible()  # the concept comes first
    check(page, "survey")
    page.get_by_role("button", name="Page suivante").click()
    assert page.get_by_role("alert").is_visible()  # a required question left out: announced, and focused
    assert page.locator("#error-summary").evaluate("element => element === document.activeElement")
    check(page)
    page.get_by_label("Tous les jours").check()
    page.get_by_label("Suivi du budget").check()
    page.get_by_role("group", name="Sommes-nous votre banque principale ? (obligatoire)").get_by_label("Non").check()
    page.get_by_role("button", name="Page suivante").click()
    page.wait_for_url("**/2/")
    assert page.get_by_text(SCRIPT_LABEL).is_visible()  # a script in a label is text
    page.get_by_role("group", name=re.compile("Quel intérêt")).get_by_label("4").check()
    check(page)
    page.get_by_role("button", name="Enregistrer et finir plus tard").click()
    assert page.get_by_text("Vos réponses sont enregistrées").is_visible()
    check(page)
    assert Response.objects.get().submitted_at is None  # kept, not sent

    # second sitting: a fresh browser session from the email; the page says where Léa stopped
    context.clear_cookies()
    page.goto(link)
    page.wait_for_url(f"**{landing.url}")
    assert standing.get_by_text("Vous avez commencé le questionnaire : reprenez là où vous en étiez.").is_visible()
    standing.get_by_role("link", name="Reprendre le questionnaire").click()
    page.wait_for_url(re.compile(r"/s/banque-mobile/(2/)?$"))  # the page to resume at, at the survey's address
    assert page.get_by_role("group", name=re.compile("Quel intérêt")).get_by_label("4").is_checked()
    clarity = page.get_by_role("group", name=re.compile("Le concept est clair")).get_by_label("D'accord", exact=True)
    clarity.focus()  # by keyboard
    page.keyboard.press("Space")
    assert clarity.is_checked()
    page.get_by_role("button", name="Page suivante").click()
    page.wait_for_url("**/3/")
    page.get_by_role("group", name=re.compile("Recommanderiez-vous")).get_by_label("8", exact=True).check()
    page.get_by_label("Quel budget mensuel suivez-vous (en euros) ?").fill("350")
    check(page)
    page.get_by_role("button", name="Page suivante").click()
    page.wait_for_url("**/4/")  # shown because the answer was "no"
    page.get_by_label("Quelle est votre banque principale ?").fill("La Banque du Coin")
    page.get_by_label("Pourquoi une autre banque est-elle votre banque principale ?").select_option("tarifs")
    check(page)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_url("**/merci/")
    assert page.get_by_role("heading", name="Merci, vos réponses sont bien enregistrées.").is_visible()
    check(page, "thanks")

    # 3. the idea board: a vote for someone else's idea, then an idea of her own
    page.get_by_role("link", name="Retour à la campagne").click()
    page.wait_for_url(f"**{landing.url}")
    assert standing.get_by_text("Merci, vos réponses au questionnaire nous sont parvenues.").is_visible()
    standing.get_by_role("link", name="Proposer et soutenir des idées").click()
    page.wait_for_url("**/b/banque-mobile/")
    dark_mode = Idea.objects.get(campaign=target, title="Mode sombre")
    page.get_by_role("button", name="Voter pour « Mode sombre »").click()
    expect(page.locator(f"#idea-{dark_mode.pk} [data-votes]")).to_have_text("1")  # in place, by the page's script
    expect(page.get_by_role("button", name="Retirer mon vote pour « Mode sombre »")).to_be_visible()
    page.get_by_role("link", name="Proposer une idée").click()
    page.get_by_label("Votre idée en une phrase").fill(IDEA_TITLE)
    page.get_by_label("Expliquez-la").fill(IDEA_BODY)
    check(page)
    page.get_by_role("button", name="Publier mon idée").click()
    page.wait_for_url("**/b/banque-mobile/*/")
    assert page.get_by_role("heading", name=IDEA_TITLE).is_visible()
    check(page)
    page.goto("/b/banque-mobile/")
    assert page.get_by_role("link", name=IDEA_TITLE).is_visible()
    check(page, "board")

    # back from the email, the campaign page counts her idea
    page.goto(link)
    page.wait_for_url(f"**{landing.url}")
    assert standing.get_by_text("Vous avez proposé 1 idée.").is_visible()

    # 4. the opt-out, from the email's visible link, confirmed on the page
    page.goto(unsubscribe)
    assert page.get_by_text("L'adresse lea@exemple.fr ne recevra plus aucun e-mail").is_visible()
    check(page, "unsubscribe")
    page.get_by_role("button", name="Confirmer ma désinscription").click()
    assert page.get_by_role("heading", name="Votre désinscription est enregistrée").is_visible()
    check(page, "unsubscribed")
    # a mangled link gets a page that says so
    assert page.goto(f"/i/{'0' * 64}/").status == 404
    assert page.get_by_role("heading", name="Lien inconnu").is_visible()
    check(page)
    context.close()

    # what the database holds of her journey
    lea.refresh_from_db()
    invitation = Invitation.objects.get()
    assert lea.opted_out_at is not None and invitation.unsubscribed_at is not None
    assert invitation.ambassador == lea and invitation.responded_at is not None
    assert invitation.first_clicked_at is not None and invitation.click_count == 3
    response = Response.objects.get()
    assert response.invitation == invitation and response.submitted_at is not None
    assert Answer.objects.get(response=response, question__code="nps").number == 8
    assert Answer.objects.get(response=response, question__code="autre_banque").text == "La Banque du Coin"
    posted = Idea.objects.get(author=lea)
    assert (posted.title, posted.body) == (IDEA_TITLE, IDEA_BODY)
    assert list(Vote.objects.filter(ambassador=lea).values_list("idea__title", flat=True)) == ["Mode sombre"]
    dark_mode.refresh_from_db()
    assert dark_mode.vote_count == 1
