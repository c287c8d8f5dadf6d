"""The ambassador programme in a real Chromium (issue 22). Inès and Karim take part in a savings campaign; the daily
``campaigns: engagement`` schedule, run as django-q2 runs it, makes them Contributeurs, then Experts once the team
adopted their ideas (one email per tier reached). The team's next campaign is reserved to Experts and Pionniers
(*accès en avant-première*): Marc, a Membre, is not invited. From her invitation's personal link Inès sees the early
access and her tier badge, asks the team a question and votes on Karim's; the product team answers Karim's question
in the admin; Inès rates the answer with a comment, which the team then reads on the question's admin page.
axe-core checks the ambassador's pages (WCAG 2.x A/AA); the key screens are photographed on a phone and a desktop
(docs/screenshots/journey-programme-*)."""

import re
from email.header import decode_header, make_header

import pytest
from django.core import mail
from django_q.models import Schedule
from django_q.tasks import async_task
from playwright.sync_api import expect

from campaigns.models import EngagementHistory, EngagementScore, Invitation, Tier, TierEmail
from campaigns.sending.launch import campaign_launch
from ideas.models import AnswerRating, Board, Idea, Vote
from ideas.posting import comment_post, idea_post
from ideas.questions import question_ask
from ideas.voting import vote_cast
from ideas.workflow import idea_status_change
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAVINGS_IDEAS = {
    "ines": [
        ("Arrondir mes paiements vers mon livret", "Chaque achat arrondi à l'euro, la différence mise de côté."),
        ("Un objectif d'épargne avec une date", "Voir chaque mois si je suis en avance ou en retard."),
        ("Épargner le jour de la paie", "Un virement automatique le lendemain du salaire."),
    ],
    "karim": [
        ("Un livret pour chaque projet", "Vacances, voiture, travaux : un compte par projet."),
        ("Bloquer l'épargne jusqu'à une date", "Pour ne pas y toucher avant l'été."),
        ("Voir les intérêts gagnés chaque mois", "Plutôt qu'une fois par an."),
    ],
}
MY_QUESTION = "Pourrai-je choisir le visuel de ma carte ?"
KARIMS_QUESTION = "Pourra-t-on bloquer la carte depuis l'application ?"
ANSWER = "Oui : dès le lancement, la carte se bloque et se débloque en un geste depuis l'application."
MY_RATING = "Très clair, merci. Et pour la carte de mon fils ?"


def schedule_run(name):
    """What django-q2's scheduler does when the schedule ``name`` is due: queue its function (tests run queued
    tasks at once, in this process)."""
    async_task(Schedule.objects.get(name=name).func)


def tier_of(person):
    return EngagementScore.objects.select_related("tier").get(ambassador=person).tier.code


def check(page, name=None):
    """axe on the page; with ``name``, also photographed on a phone and on a desktop (and checked on both)."""
    assert_accessible(page)
    if name:
        screenshot(page, f"journey-programme-{name}-phone")
        page.set_viewport_size(DESKTOP)
        assert_accessible(page)
        screenshot(page, f"journey-programme-{name}-desktop")
        page.set_viewport_size(PHONE)


def savings_campaign(people, segment, team):
    """The past campaign: Inès and Karim each post three ideas and comment on the other's, Marc votes once; then
    the daily schedule; then the team adopts Inès's and Karim's ideas (two steps each, answered officially)."""
    savings = campaign(slug="epargne", title="Épargner sans y penser", segments=[segment])
    board = Board.objects.create(campaign=savings)
    assert campaign_launch(savings) == 3
    invitations = {invitation.ambassador_id: invitation for invitation in savings.invitations.all()}
    posted = {
        name: [
            idea_post(board=board, ambassador=people[name], title=title, body=body, invitation=invitations[person.pk])
            for title, body in SAVINGS_IDEAS[name]
        ]
        for name, person in people.items()
        if name != "marc"
    }
    for author, reader in (("ines", "karim"), ("karim", "ines")):
        for idea in posted[author]:
            comment_post(board=board, idea=idea, ambassador=people[reader], body="Bonne idée, je m'en servirais.")
    vote_cast(idea=posted["ines"][0], ambassador=people["marc"], invitation=invitations[people["marc"].pk])
    schedule_run("campaigns: engagement")  # 3 ideas, 3 comments, a campaign, just now: 31 points
    assert {name: tier_of(person) for name, person in people.items()} == {
        "ines": "contributeur",
        "karim": "contributeur",
        "marc": "membre",
    }
    for idea in posted["ines"] + posted["karim"]:
        idea_status_change(idea=idea, to_status=Idea.Status.UNDER_REVIEW, answer_fr="Nous l'étudions.", by=team)
        idea_status_change(idea=idea, to_status=Idea.Status.PLANNED, answer_fr="Elle est prévue.", by=team)


def test_an_ambassador_reaches_a_tier_opens_the_reserved_campaign_asks_votes_and_rates_the_answer(
    browser, live_server, settings, product_user
):
    settings.SITE_URL = live_server.url
    settings.CONTACT_CAP_COUNT = 0  # months of a programme in one test: the cap (tested on its own) stays out of it
    people = {
        "ines": ambassador("ines@exemple.fr", region="bre", first_name="Inès", last_name="Garnier"),
        "karim": ambassador("karim@exemple.fr", region="bre", first_name="Karim", last_name="Benali"),
        "marc": ambassador("marc@exemple.fr", region="bre", first_name="Marc", last_name="Le Goff"),
    }
    bretons = region_segment()

    # 1. a campaign where they take part, the schedule, the team's answers, the schedule again: a new tier
    savings_campaign(people, bretons, product_user)
    mail.outbox.clear()
    schedule_run("campaigns: engagement")  # and three ideas adopted: 61 points
    assert {name: tier_of(person) for name, person in people.items()} == {
        "ines": "expert",
        "karim": "expert",
        "marc": "membre",
    }
    assert EngagementHistory.objects.filter(ambassador=people["ines"]).count() == 2  # Contributeur, then Expert
    news = [message for message in mail.outbox if message.to == ["ines@exemple.fr"]]
    assert [str(make_header(decode_header(message.subject))) for message in news] == ["Vous êtes désormais Expert"]
    assert set(TierEmail.objects.filter(ambassador=people["ines"]).values_list("tier__code", flat=True)) == {
        "contributeur",
        "expert",
    }

    # 2. the team's next campaign, reserved to Experts and Pionniers: Marc is not invited
    early = campaign(slug="carte", title="Votre future carte bancaire", theme="Avant-première", segments=[bretons])
    early.reserved_tiers.set(Tier.objects.filter(code__in=["expert", "pionnier"]))
    Board.objects.create(campaign=early, intro_fr="Découvrez la future carte avant tout le monde.")
    mail.outbox.clear()
    assert campaign_launch(early) == 2
    invited = set(Invitation.objects.filter(campaign=early).values_list("ambassador__first_name", flat=True))
    assert invited == {"Inès", "Karim"}
    [invitation_email] = [message for message in mail.outbox if message.to == ["ines@exemple.fr"]]
    link = re.search(r"http://\S+/i/[0-9a-f]{64}/", invitation_email.body).group(0)
    karims = Invitation.objects.get(campaign=early, ambassador=people["karim"])
    asked = question_ask(board=early.board, ambassador=people["karim"], title=KARIMS_QUESTION, invitation=karims)

    # 3. Inès follows her personal link: the early access and her tier, on the board
    ines = browser(PHONE)
    ines.goto(link)
    ines.wait_for_url("**/c/carte/")
    assert ines.get_by_role("heading", name="Votre future carte bancaire", level=1).is_visible()
    expect(ines.locator("[data-early-access]")).to_have_text("Accès en avant-première : Expert, Pionnier")
    expect(ines.locator("[data-tier-badge]")).to_have_text("Votre palier : Expert")
    check(ines, "campaign")
    ines.locator(".calls-to-act").get_by_role("link").first.click()
    ines.wait_for_url("**/b/carte/")
    expect(ines.locator("[data-early-access]")).to_have_text("Accès en avant-première : Expert, Pionnier")
    expect(ines.locator("[data-tier-badge]")).to_have_text("Votre palier : Expert")
    check(ines, "board")

    # 4. she asks the team a question and votes on Karim's
    ines.get_by_role("link", name="Questions à l'équipe").click()
    ines.wait_for_url("**/b/carte/questions/")
    ines.get_by_label("Votre question").fill(MY_QUESTION)
    ines.get_by_label("Précisions (facultatif)").fill("J'aimerais une carte aux couleurs de ma région.")
    ines.get_by_role("button", name="Poser la question").click()
    expect(ines.get_by_role("status")).to_contain_text("Votre question est envoyée à l'équipe.")
    karims_item = ines.locator(f"[data-question='{asked.pk}']")
    karims_item.get_by_role("button", name=f"Je veux aussi savoir : « {KARIMS_QUESTION} »").click()
    expect(ines.get_by_role("status")).to_contain_text(f"Votre vote pour « {KARIMS_QUESTION} » est compté.")
    expect(karims_item).to_contain_text("1 vote")
    expect(karims_item.get_by_role("button", name=f"Retirer mon vote pour « {KARIMS_QUESTION} »")).to_be_visible()
    check(ines, "asked")

    # 5. the product team answers Karim's question in the admin
    team = browser(DESKTOP)
    log_in(team, product_user)
    team.goto("/admin/snippets/ideas/idea/?kind=ask")
    row = team.get_by_role("row").filter(has_text=KARIMS_QUESTION)
    row.get_by_role("button", name=re.compile("Plus d.options")).click()
    row.get_by_role("link", name="Répondre").click()
    team.wait_for_url(f"**/admin/ideas/review/{asked.pk}/")
    team.get_by_label("Nouveau statut").select_option(label="À l'étude")
    team.get_by_label("Réponse officielle (français)").fill(ANSWER)
    team.get_by_role("button", name="Changer le statut et prévenir").click()
    expect(team.get_by_text("Statut changé")).to_be_visible()
    screenshot(team, "journey-programme-answer-desktop", full_page=False)

    # 6. Inès reads the answer and rates it, with a comment
    ines.reload()
    expect(karims_item.locator("[data-answer]")).to_contain_text(ANSWER)
    karims_item.get_by_label("Oui").check()
    karims_item.get_by_label("Un commentaire (facultatif)").fill(MY_RATING)
    karims_item.get_by_role("button", name="Donner mon avis").click()
    expect(ines.get_by_role("status")).to_contain_text("Merci pour votre avis.")
    check(ines, "questions")

    # 7. the team reads her comment on the question's admin page
    team.reload()
    ratings = team.locator("[data-answer-ratings]")
    expect(ratings).to_contain_text(MY_RATING)
    expect(ratings).to_contain_text("Inès G.")
    ratings.scroll_into_view_if_needed()
    screenshot(team, "journey-programme-ratings-desktop", full_page=False)

    # what the database holds
    mine = Idea.objects.get(kind=Idea.Kind.ASK, author=people["ines"])
    assert mine.title == MY_QUESTION and mine.campaign == early
    her_votes = Vote.objects.filter(ambassador=people["ines"], idea__campaign=early)
    assert list(her_votes.values_list("idea", flat=True)) == [asked.pk]
    rating = AnswerRating.objects.get()
    assert (rating.ambassador, rating.useful, rating.comment) == (people["ines"], True, MY_RATING)
    assert rating.change.idea == asked and rating.change.answer_fr == ANSWER
