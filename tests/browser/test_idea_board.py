"""An ambassador posts an idea and votes on the board in a real Chromium, from their personal link."""

import pytest

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
    page.wait_for_url("**/b/banque-mobile/")
    assert page.locator(f"#idea-{hostile.pk} [data-votes]").inner_text() == "1"

    page.get_by_role("link", name="Proposer une idée").click()
    page.get_by_label("Votre idée en une phrase").fill("Payer chez les commerçants avec sa montre")
    page.get_by_label("Expliquez-la").fill("Sans sortir son téléphone.")
    page.get_by_role("button", name="Publier mon idée").click()
    page.wait_for_url("**/b/banque-mobile/*/")
    assert page.get_by_role("heading", name="Payer chez les commerçants avec sa montre").is_visible()
    page.get_by_role("button", name="Voter pour cette idée").click()
    assert page.get_by_role("button", name="Retirer mon vote").is_visible()

    posted = Idea.objects.get(title="Payer chez les commerçants avec sa montre")
    assert posted.author.email == "lea@exemple.fr" and posted.vote_count == 1
    assert Vote.objects.count() == 2
    assert Invitation.objects.get().responded_at is not None
