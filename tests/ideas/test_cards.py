"""The board's cards are rendered once for everyone and kept in the cache (ideas.cards): what is one viewer's own
(their votes, their CSRF token, their pending ideas) never reaches another, and what a card shows is never stale."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.models import Ambassador, Invitation
from ideas import cards
from ideas.models import Award, Contributor, Idea, Moderation
from ideas.voting import vote_cast
from tests.ideas.conftest import idea

pytestmark = pytest.mark.django_db
SLUG = "banque-mobile"
BOARD = reverse("ideas:board", args=[SLUG])
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def visit(client, email):
    invitation = Invitation.objects.get(ambassador__email=email)
    assert client.get(reverse("campaigns:personal_link", args=[invitation.token])).status_code == 302
    return client


def card(page, pk):
    """The HTML of the idea's card on a board page."""
    return re.search(rf'<li class="idea-card[^"]*" id="idea-{pk}">.*?</li>', page, re.S).group(0)


def test_a_card_kept_for_everyone_carries_nothing_of_the_viewer_who_filled_the_cache(board, client):
    """The attack: Léa votes, has a pending idea and opens the board first, so that the cards John gets come from
    the cache she filled; nothing of hers may show in his page, and the cache holds no token nor vote of anyone."""
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    liked = idea(board, "Carte gratuite", moderation=Moderation.APPROVED)
    other = idea(board, "Agence le samedi", moderation=Moderation.APPROVED)
    idea(board, "Mon idée secrète", moderation=Moderation.PENDING, author=lea)
    vote_cast(idea=liked, ambassador=lea)
    hers = visit(client, "lea@exemple.fr").get(BOARD).content.decode()
    his_client = visit(Client(), "john@example.com")
    his = his_client.get(BOARD).content.decode()
    lea_token, john_token = TOKEN.search(hers).group(1), TOKEN.search(his).group(1)
    assert lea_token != john_token and lea_token not in his
    assert 'value="withdraw"' in card(hers, liked.pk) and 'value="vote"' in card(hers, other.pk)
    assert 'value="vote"' in card(his, liked.pk) and 'value="withdraw"' not in his
    assert "Mon idée secrète" in hers and "Mon idée secrète" not in his
    assert '<span class="vote-count" data-votes>1</span>' in card(his, liked.pk)
    kept = cards.cards(
        {"ideas": list(Idea.objects.filter(moderation=Moderation.APPROVED).select_related("author"))},
        board_path=BOARD,
        locale="fr",
        can_vote=True,
    )["ideas"]
    assert "<!--$csrf-->" in kept and "<!--$voted:" in kept
    assert "csrfmiddlewaretoken" not in kept and lea_token not in kept and john_token not in kept


def test_hostile_text_cannot_fill_a_slot(board, client):
    hostile = idea(board, "<!--$csrf--> <!--$votes:1--> <!--$voted:1-->x<!--$else-->y<!--$end-->")
    Idea.objects.filter(pk=hostile.pk).update(moderation=Moderation.APPROVED)
    page = visit(client, "lea@exemple.fr").get(BOARD).content.decode()
    assert "&lt;!--$csrf--&gt;" in page and "<!--$" not in page
    assert len(TOKEN.findall(page)) == 1  # the card's own form, nothing from the title


def test_the_counts_on_the_board_stand_as_they_are_while_its_lists_are_kept(board, client, settings):
    settings.BOARD_LIST_SECONDS = 3600
    target = idea(board, "Carte gratuite", moderation=Moderation.APPROVED)
    page = visit(client, "lea@exemple.fr").get(BOARD).content.decode()
    assert '<span class="vote-count" data-votes>0</span>' in card(page, target.pk)
    vote_cast(idea=target, ambassador=Ambassador.objects.get(email="john@example.com"))
    shown = card(client.get(BOARD).content.decode(), target.pk)
    assert '<span class="vote-count" data-votes>1</span>' in shown and ">vote</span>" in shown


def test_a_card_follows_what_it_shows_without_being_dropped(board, client, settings):
    """A card is kept under a digest of what it shows: its author's new name or badge shows as soon as the list
    is read again, though no write dropped the board's cached lists."""
    settings.BOARD_LIST_SECONDS = 0
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    target = idea(board, "Carte gratuite", moderation=Moderation.APPROVED, author=lea)
    visit(client, "lea@exemple.fr")
    assert "Léa M." in card(client.get(BOARD).content.decode(), target.pk)
    Contributor.objects.create(ambassador=lea, display_name="Léa la banquière")
    Award.objects.create(ambassador=lea, badge=Award.Badge.FIRST_VOTE)
    shown = card(client.get(BOARD).content.decode(), target.pk)
    assert "Léa la banquière" in shown and "Léa M." not in shown and 'class="badge"' in shown


def test_the_cards_kept_for_one_language_are_not_shown_in_another(board, client):
    target = idea(board, "Carte gratuite", moderation=Moderation.APPROVED, status=Idea.Status.UNDER_REVIEW)
    french = card(visit(client, "lea@exemple.fr").get(BOARD).content.decode(), target.pk)
    english = card(visit(Client(), "john@example.com").get(BOARD).content.decode(), target.pk)
    assert "Voter" in french and "Vote" in english and "Voter" not in english
    assert french != english


def test_staff_reading_the_board_get_cards_without_vote_forms(board, client, django_user_model):
    target = idea(board, "Carte gratuite", moderation=Moderation.APPROVED)
    visit(client, "lea@exemple.fr").get(BOARD)  # the ambassadors' cards in the cache
    staff = django_user_model.objects.create_superuser("equipe", "e@banque.example", "x" * 16)
    reader = Client()
    reader.force_login(staff)
    page = reader.get(BOARD).content.decode()
    assert "Carte gratuite" in card(page, target.pk) and "data-vote " not in page
