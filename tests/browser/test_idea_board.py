"""An ambassador posts an idea and votes on the board in a real Chromium, from their personal link."""

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from ideas.models import Board, Idea, Vote
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_ambassador_posts_an_idea_and_votes_and_a_script_in_a_title_stays_text(page, live_server):
    ambassador("lea@exemple.fr", region="bre", first_name="Léa", last_name="Martin")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.IDEATION)
    campaign_launch(target)
    Board.objects.create(campaign=target)
    hostile = Idea.objects.create(campaign=target, title="<script>window.hacked = true</script>Carte <b>gratuite</b>")
    invitation = Invitation.objects.get()

    page.goto(f"/i/{invitation.token}/")
    page.get_by_role("link", name="Proposer et soutenir des idées").click()
    page.wait_for_url("**/b/banque-mobile/")
    assert page.get_by_text("<script>window.hacked = true</script>Carte <b>gratuite</b>").is_visible()
    assert page.evaluate("window.hacked") is None

    page.get_by_role("button", name="Voter pour « <script>window.hacked = true</script>Carte <b>gratuite</b> »").click()
    expect(page.locator(f"#idea-{hostile.pk} [data-votes]")).to_have_text("1")  # in place, by the page's script

    page.get_by_role("link", name="Proposer une idée").click()
    page.get_by_label("Votre idée en une phrase").fill("Payer chez les commerçants avec sa montre")
    page.get_by_label("Expliquez-la").fill("Sans sortir son téléphone.")
    page.get_by_role("button", name="Publier mon idée").click()
    page.wait_for_url("**/b/banque-mobile/*/")
    assert page.get_by_role("heading", name="Payer chez les commerçants avec sa montre").is_visible()
    page.get_by_role("button", name="Voter pour cette idée").click()
    expect(page.get_by_role("button", name="Retirer mon vote")).to_be_visible()

    posted = Idea.objects.get(title="Payer chez les commerçants avec sa montre")
    assert posted.author.email == "lea@exemple.fr" and posted.vote_count == 1
    assert Vote.objects.count() == 2
    assert Invitation.objects.get().responded_at is not None


def test_a_vote_far_down_the_board_updates_in_place_without_reload_or_jump(page, live_server):
    ambassador("lea@exemple.fr", region="bre", first_name="Léa", last_name="Martin")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.IDEATION)
    campaign_launch(target)
    Board.objects.create(campaign=target, vote_budget=5)
    ideas = [Idea.objects.create(campaign=target, title=f"Idée numéro {n}", vote_count=40 - n) for n in range(18)]
    page.goto(f"/i/{Invitation.objects.get().token}/")
    page.goto("/b/banque-mobile/")
    card = page.locator(f"#idea-{ideas[15].pk}")
    card.scroll_into_view_if_needed()
    page.evaluate("window.notReloaded = true")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0
    card.get_by_role("button", name="Voter pour « Idée numéro 15 »").click()
    expect(card.locator("[data-votes]")).to_have_text("26")
    expect(card.get_by_role("button", name="Retirer mon vote pour « Idée numéro 15 »")).to_be_visible()
    expect(page.locator("[data-votes-left]")).to_have_text("Il vous reste 4 votes.")
    assert page.evaluate("window.notReloaded") is True and page.evaluate("window.scrollY") == scrolled
    card.get_by_role("button", name="Retirer mon vote pour « Idée numéro 15 »").click()
    expect(card.locator("[data-votes]")).to_have_text("25")
    expect(page.locator("[data-votes-left]")).to_have_text("Il vous reste 5 votes.")
    assert not Vote.objects.exists() and Idea.objects.get(pk=ideas[15].pk).vote_count == 25
