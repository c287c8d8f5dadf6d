import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Ambassador, Campaign, Invitation
from ideas.models import AbuseReport, Board, Comment, Idea, Moderation, Vote
from ideas.voting import vote_cast
from tests.ideas.conftest import idea

pytestmark = pytest.mark.django_db
SLUG = "banque-mobile"


def board_url(**params):
    from urllib.parse import urlencode

    return reverse("ideas:board", args=[SLUG]) + (f"?{urlencode(params)}" if params else "")


def test_the_board_needs_a_personal_link(client, board):
    assert client.get(board_url()).status_code == 403
    assert client.post(reverse("ideas:new", args=[SLUG]), {"title": "Une idée"}).status_code == 403
    assert not Idea.objects.exists()


def test_a_visit_for_another_campaign_opens_nothing_on_this_board(visitor, board):
    other = Campaign.objects.create(
        slug="autre",
        title="Autre",
        kind=Campaign.Kind.IDEATION,
        status=Campaign.Status.LIVE,
        launched_at=timezone.now(),
    )
    Board.objects.create(campaign=other)
    elsewhere = idea(Board.objects.get(campaign=other), "Ailleurs", moderation=Moderation.APPROVED)
    assert visitor.get(reverse("ideas:board", args=["autre"])).status_code == 403
    assert (
        visitor.post(reverse("ideas:new", args=["autre"]), {"title": "Une idée", "confirmed": "True"}).status_code
        == 403
    )
    assert visitor.post(reverse("ideas:vote", args=["autre", elsewhere.pk]), {"action": "vote"}).status_code == 403
    assert Idea.objects.filter(campaign=other).count() == 1 and not Vote.objects.exists()


def test_the_campaign_page_leads_to_the_board(visitor, board):
    page = visitor.get(reverse("campaigns:landing", args=[SLUG])).content.decode()
    assert board_url() in page and "Proposer et soutenir des idées" in page


def test_an_ambassador_posts_an_idea_votes_and_comments(visitor, board, invitation):
    response = visitor.post(
        reverse("ideas:new", args=[SLUG]),
        {
            "title": "Alertes de <script>alert(1)</script> budget",
            "body": "Prévenir avant le découvert.",
            "category": board.categories.get(slug="appli").pk,
        },
    )
    created = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ideas:idea", args=[SLUG, created.pk])
    assert created.author.email == "lea@exemple.fr" and created.category.slug == "appli"
    invitation.refresh_from_db()
    assert invitation.responded_at is not None

    page = visitor.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Léa M." in page
    visitor.post(reverse("ideas:vote", args=[SLUG, created.pk]), {"action": "vote"})
    visitor.post(reverse("ideas:comment", args=[SLUG, created.pk]), {"body": "Et des alertes par SMS ?"})
    created.refresh_from_db()
    assert created.vote_count == 1 and created.comment_count == 1
    page = visitor.get(board_url()).content.decode()
    assert "Retirer" in page
    visitor.post(reverse("ideas:vote", args=[SLUG, created.pk]), {"action": "withdraw", "back": "board"})
    assert not Vote.objects.exists()


def test_a_visit_makes_no_board_row_the_first_idea_does(visitor, board, invitation):
    """Was: opening a board without its row created it (a write during a GET)."""
    Board.objects.filter(pk=board.pk).delete()
    assert visitor.get(board_url()).status_code == 200
    assert visitor.get(reverse("ideas:new", args=[SLUG])).status_code == 200
    assert not Board.objects.exists()
    response = visitor.post(reverse("ideas:new", args=[SLUG]), {"title": "Payer sans contact", "confirmed": "True"})
    assert response.status_code == 302 and Board.objects.get().campaign_id == invitation.campaign_id
    assert Idea.objects.get().title == "Payer sans contact"


def test_a_vote_and_a_comment_from_the_board_mark_the_invitation_answered(visitor, board, invitation):
    target = idea(board, "Budget par catégorie")
    visitor.post(reverse("ideas:vote", args=[SLUG, target.pk]), {"action": "vote"})
    invitation.refresh_from_db()
    assert invitation.responded_at is not None and Vote.objects.filter(idea=target).exists()
    Invitation.objects.filter(pk=invitation.pk).update(responded_at=None)
    visitor.post(reverse("ideas:comment", args=[SLUG, target.pk]), {"body": "Oui, par mois"})
    invitation.refresh_from_db()
    assert invitation.responded_at is not None and Comment.objects.filter(idea=target).exists()


def test_voting_again_and_again_is_held_back_for_a_minute(visitor, board, settings):
    settings.VOTES_PER_MINUTE = 3
    target = idea(board, "Budget par catégorie")
    vote = reverse("ideas:vote", args=[SLUG, target.pk])
    for action in ("vote", "withdraw", "vote"):
        visitor.post(vote, {"action": action})
    response = visitor.post(vote, {"action": "withdraw"}, follow=True)
    assert "Trop de votes en peu de temps" in response.content.decode()
    target.refresh_from_db()
    assert target.vote_count == 1 and Vote.objects.count() == 1  # the fourth action changed nothing


def test_similar_ideas_are_suggested_before_posting(visitor, board):
    idea(board, "Virement instantané gratuit", vote_count=12)
    data = {"title": "Rendre le virement instantané moins cher", "body": ""}
    page = visitor.post(reverse("ideas:new", args=[SLUG]), data)
    assert page.status_code == 400 and "Des idées proches existent déjà" in page.content.decode()
    assert Idea.objects.count() == 1
    assert visitor.post(reverse("ideas:new", args=[SLUG]), {**data, "confirmed": "True"}).status_code == 302
    assert Idea.objects.count() == 2
    suggestions = visitor.get(reverse("ideas:similar", args=[SLUG]), {"titre": "virement instantané"}).json()
    assert next(item["title"] for item in suggestions["ideas"]) in {
        "Virement instantané gratuit",
        "Rendre le virement instantané moins cher",
    }


def test_sorting_filtering_and_searching_the_board(visitor, board):
    app = board.categories.get(slug="appli")
    top = idea(board, "Budget par catégorie", vote_count=30, category=app)
    new = idea(board, "Retrait sans carte")
    done = idea(board, "Agence ouverte le samedi", vote_count=5, status=Idea.Status.DELIVERED)
    idea(board, "Masquée", moderation=Moderation.HIDDEN, vote_count=99)

    def titles(**params):
        page = visitor.get(board_url(**params)).content.decode()
        return [
            title
            for title in ("Budget par catégorie", "Retrait sans carte", "Agence ouverte le samedi", "Masquée")
            if title in page
        ]

    assert titles(sort="top") == ["Budget par catégorie", "Retrait sans carte", "Agence ouverte le samedi"]
    page = visitor.get(board_url(sort="newest")).content.decode()
    assert page.index(new.title) < page.index(top.title)
    assert titles(category="appli") == ["Budget par catégorie"]
    assert titles(status="delivered") == ["Agence ouverte le samedi"]
    assert titles(q="carte") == ["Retrait sans carte"]
    assert done.title in visitor.get(board_url(q="samedi")).content.decode()


def test_pinned_team_questions_show_first_marked_as_staff(visitor, board, django_user_model):
    staff = django_user_model.objects.create_user("equipe")
    idea(board, "Quelle fonction attendez-vous le plus ?", kind=Idea.Kind.QUESTION, pinned=True, author_user=staff)
    page = visitor.get(board_url()).content.decode()
    assert "L'équipe vous demande" in page.replace("&#x27;", "'") and "Question de l'équipe" in page.replace(
        "&#x27;", "'"
    )
    assert 'class="staff-badge"' in page


def test_pending_ideas_show_only_to_their_author(visitor, board, client):
    board.moderation = Board.Mode.PRE
    board.save()
    visitor.post(reverse("ideas:new", args=[SLUG]), {"title": "Carte en bois recyclé", "body": ""})
    assert "Carte en bois recyclé" in visitor.get(board_url()).content.decode()
    other = Invitation.objects.get(ambassador__email="john@example.com")
    client.cookies.clear()
    client.get(reverse("campaigns:personal_link", args=[other.token]))
    assert "Carte en bois recyclé" not in client.get(board_url()).content.decode()


def test_reporting_an_idea_and_a_comment(visitor, board):
    target = idea(board)
    comment = Comment.objects.create(
        idea=target, body="Achetez mes cryptos", author=Ambassador.objects.get(email="john@example.com")
    )
    visitor.post(reverse("ideas:report", args=[SLUG, target.pk]), {"reason": "Hors sujet"})
    visitor.post(reverse("ideas:report", args=[SLUG, target.pk]), {"comment": comment.pk, "reason": "Spam"})
    assert (
        AbuseReport.objects.filter(idea=target).count() == 1
        and AbuseReport.objects.filter(comment=comment).count() == 1
    )


def test_reporting_or_voting_for_an_idea_one_cannot_see_answers_as_for_a_missing_one(visitor, board):
    """Was: reporting another's pending idea answered as for a published one, confirming that it exists."""
    john = Ambassador.objects.get(email="john@example.com")
    unseen = {
        "pending": idea(board, "En attente", author=john, moderation=Moderation.PENDING),
        "hidden": idea(board, "Masquée", author=john, moderation=Moderation.HIDDEN),
    }
    missing = max(found.pk for found in unseen.values()) + 100
    answers = set()
    for pk in [missing, *(found.pk for found in unseen.values())]:
        report = visitor.post(reverse("ideas:report", args=[SLUG, pk]), {"reason": "Spam"})
        vote = visitor.post(reverse("ideas:vote", args=[SLUG, pk]), {"action": "vote"})
        answers.add((report.status_code, vote.status_code))
    assert answers == {(404, 404)}
    assert not AbuseReport.objects.exists() and not Vote.objects.exists()


def test_reporting_a_comment_one_cannot_see_answers_as_for_a_missing_one(visitor, board):
    shown = idea(board, moderation=Moderation.APPROVED)
    john = Ambassador.objects.get(email="john@example.com")
    pending = Comment.objects.create(idea=shown, body="En attente", author=john, moderation=Moderation.PENDING)
    for pk in (pending.pk, pending.pk + 100):
        response = visitor.post(reverse("ideas:report", args=[SLUG, shown.pk]), {"comment": pk, "reason": "Spam"})
        assert response.status_code == 404
    assert not AbuseReport.objects.exists()


def test_an_ambassador_may_report_their_own_pending_idea(visitor, board):
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    own = idea(board, "La mienne", author=lea, moderation=Moderation.PENDING)
    assert visitor.post(reverse("ideas:report", args=[SLUG, own.pk]), {"reason": "Doublon"}).status_code == 302


def test_the_board_page_takes_a_fixed_number_of_queries_whatever_the_number_of_ideas(
    visitor, board, django_assert_max_num_queries
):
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    for number in range(3):
        vote_cast(idea=idea(board, f"Idée {number}", author=lea), ambassador=lea)
    with django_assert_max_num_queries(12) as few:
        assert visitor.get(board_url()).status_code == 200
    for number in range(40):
        idea(board, f"Autre idée {number}", author=lea, category=board.categories.first())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert visitor.get(board_url()).status_code == 200


def test_an_english_speaking_ambassador_sees_the_board_in_english(client, board):
    john = Invitation.objects.get(ambassador__email="john@example.com")
    client.get(reverse("campaigns:personal_link", args=[john.token]))
    page = client.get(board_url()).content.decode()
    assert "Propose an idea" in page and ">App<" in page


JSON = {"HTTP_ACCEPT": "application/json"}


def test_a_vote_sent_by_the_page_script_answers_the_new_count_in_json(visitor, board, invitation):
    target = idea(board, "Virement instantané", moderation=Moderation.APPROVED)
    vote = reverse("ideas:vote", args=[SLUG, target.pk])
    response = visitor.post(vote, {"action": "vote", "back": "board"}, **JSON)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {"votes": 1, "voted": True, "votes_left": None}
    assert visitor.post(vote, {"action": "vote"}, **JSON).json()["votes"] == 1  # a second click counts nothing
    board.vote_budget = 3
    board.save()
    assert visitor.post(vote, {"action": "withdraw"}, **JSON).json() == {"votes": 0, "voted": False, "votes_left": 3}
    invitation.refresh_from_db()
    assert invitation.responded_at is not None and not Vote.objects.exists()


def test_a_refused_vote_answers_its_reason_in_json(visitor, board, settings):
    settings.VOTES_PER_MINUTE = 1
    hidden = idea(board, "Masquée", moderation=Moderation.HIDDEN)
    assert visitor.post(reverse("ideas:vote", args=[SLUG, hidden.pk]), {}, **JSON).status_code == 404
    merged_into = idea(board, "Gardée", moderation=Moderation.APPROVED)
    merged = idea(board, "Fusionnée", moderation=Moderation.APPROVED, merged_into=merged_into)
    refused = visitor.post(reverse("ideas:vote", args=[SLUG, merged.pk]), {"action": "vote"}, **JSON)
    assert refused.status_code == 400 and refused.json()["message"] == "Cette idée ne reçoit pas de votes."
    throttled = visitor.post(reverse("ideas:vote", args=[SLUG, merged_into.pk]), {"action": "vote"}, **JSON)
    assert throttled.status_code == 429 and "Trop de votes" in throttled.json()["message"]
    assert not Vote.objects.exists()


def test_a_vote_from_someone_without_a_visit_is_refused_in_json_too(client, board):
    target = idea(board, moderation=Moderation.APPROVED)
    response = client.post(reverse("ideas:vote", args=[SLUG, target.pk]), {"action": "vote"}, **JSON)
    assert response.status_code == 403 and response.json() == {"error": "forbidden"}
    assert not Vote.objects.exists()


def test_a_vote_without_javascript_leads_back_to_the_idea_anchored(visitor, board):
    target = idea(board, moderation=Moderation.APPROVED)
    vote = reverse("ideas:vote", args=[SLUG, target.pk])
    from_board = visitor.post(vote, {"action": "vote", "back": "board"})
    assert from_board.status_code == 302 and from_board["Location"] == f"{board_url()}#idea-{target.pk}"
    from_page = visitor.post(vote, {"action": "withdraw"})
    assert from_page["Location"] == reverse("ideas:idea", args=[SLUG, target.pk]) + "#votes"


def test_the_pages_with_votes_load_the_vote_script_and_mark_the_forms_for_it(visitor, board):
    target = idea(board, "Carte <b>gratuite</b>", moderation=Moderation.APPROVED)
    for url in (board_url(), reverse("ideas:idea", args=[SLUG, target.pk])):
        page = visitor.get(url).content.decode()
        assert "ideas/vote.js" in page and "data-vote " in page and 'data-failed="' in page
        assert "<b>gratuite</b>" not in page


def test_a_vote_takes_few_queries_and_no_page_is_rendered_after_it(visitor, board, django_assert_max_num_queries):
    """The vote step of a burst: the visit (invitation, campaign, board: one query), the idea with what the vote
    depends on (ideas.voting.ballot), the vote and its count in one statement; a second click, the first two
    only. A first vote answers the invitation and earns its badges in the vote's transaction (the journey's first
    vote, the invitation answered by the survey, in tests/config/test_journey_queries.py); a budget makes the
    votes take turns."""
    first, second, third = (idea(board, f"Idée {number}", moderation=Moderation.APPROVED) for number in range(3))
    with django_assert_max_num_queries(10):  # a first contribution: the invitation answered, every badge checked
        visitor.post(reverse("ideas:vote", args=[SLUG, first.pk]), {"action": "vote"}, **JSON)
    with django_assert_max_num_queries(3):
        response = visitor.post(reverse("ideas:vote", args=[SLUG, second.pk]), {"action": "vote"}, **JSON)
    assert response.json() == {"votes": 1, "voted": True, "votes_left": None} and not response.templates
    with django_assert_max_num_queries(2):
        again = visitor.post(reverse("ideas:vote", args=[SLUG, second.pk]), {"action": "vote"}, **JSON)
    assert again.json() == {"votes": 1, "voted": True, "votes_left": None} and not again.templates
    board.vote_budget = 3
    board.save()
    with django_assert_max_num_queries(5):  # the visit, BEGIN, the ballot locking the voter, the vote, COMMIT
        budgeted = visitor.post(reverse("ideas:vote", args=[SLUG, third.pk]), {"action": "vote"}, **JSON)
    assert budgeted.json() == {"votes": 1, "voted": True, "votes_left": 0}
    withdrawn = visitor.post(reverse("ideas:vote", args=[SLUG, third.pk]), {"action": "withdraw"}, **JSON)
    assert withdrawn.json() == {"votes": 0, "voted": False, "votes_left": 1}
    assert Vote.objects.count() == 2 and Idea.objects.get(pk=third.pk).vote_count == 0


def test_an_ambassadors_visit_reads_the_invitation_campaign_and_board_in_one_query(visitor, board):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert visitor.get(board_url()).status_code == 200
    first = captured.captured_queries[0]["sql"]
    assert "campaigns_invitation" in first and "ideas_board" in first and "campaigns_campaign" in first
    assert not any(query["sql"].startswith('SELECT "campaigns_campaign"') for query in captured.captured_queries)
