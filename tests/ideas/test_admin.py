"""The ideas part of the Wagtail admin, role by role: the moderation queue and its decisions, the team's pinned
questions, boards, ideas and comments."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from ideas.models import AbuseReport, Board, Category, Comment, Idea, Moderation
from tests.admin_pages import refused
from tests.campaigns.factories import ambassador, campaign

pytestmark = pytest.mark.django_db

QUEUE = "ideas_moderation:index"
IDEAS = "wagtailsnippets_ideas_idea:list"
COMMENTS = "wagtailsnippets_ideas_comment:list"


def moderate_url(item):
    return reverse("ideas_moderation:moderate", args=["idea" if isinstance(item, Idea) else "comment", item.pk])


@pytest.fixture
def moderated_board():
    board = Board.objects.create(
        campaign=campaign(slug="epargne", kind=Campaign.Kind.IDEATION), moderation=Board.Mode.PRE
    )
    Category.objects.create(board=board, slug="appli", name_fr="Application", sort_order=0)
    return board


@pytest.fixture
def people():
    return [ambassador(f"amb{number}@exemple.fr") for number in range(3)]


@pytest.fixture
def pending_idea(moderated_board, people):
    return Idea.objects.create(
        campaign=moderated_board.campaign,
        author=people[0],
        title="Un coffre-fort numérique",
        body="Pour ranger <b>mes</b> justificatifs",
        moderation=Moderation.PENDING,
    )


@pytest.fixture
def reported_comment(pending_idea, people):
    Idea.objects.filter(pk=pending_idea.pk).update(comment_count=1)
    comment = Comment.objects.create(idea=pending_idea, author=people[1], body="Achetez mes crypto-monnaies !")
    AbuseReport.objects.create(reporter=people[2], comment=comment, reason="Publicité déguisée")
    return comment


def test_moderator_sees_the_queue_with_the_campaign_author_and_report_reasons(
    client_for, moderator_user, pending_idea, reported_comment
):
    page = client_for(moderator_user).get(reverse(QUEUE))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Un coffre-fort numérique" in text and "Achetez mes crypto-monnaies !" in text
    assert "La banque mobile de demain" in text  # the campaign
    assert "Amb0" in text and "Publicité déguisée" in text
    assert "Pour ranger &lt;b&gt;mes&lt;/b&gt; justificatifs" in text
    assert 'name="csrfmiddlewaretoken"' in text and f'action="{moderate_url(pending_idea)}"' in text


def test_moderator_approves_a_pending_idea(client_for, moderator_user, pending_idea):
    response = client_for(moderator_user).post(moderate_url(pending_idea), {"decision": "approve", "reason": ""})
    assert response.status_code == 302 and response.url == reverse(QUEUE)
    pending_idea.refresh_from_db()
    assert pending_idea.moderation == Moderation.APPROVED


def test_moderator_hides_a_reported_comment_with_a_reason(client_for, moderator_user, reported_comment):
    client = client_for(moderator_user)
    response = client.post(
        moderate_url(reported_comment),
        {"decision": "hide", "reason": "Publicité", "campaign": reported_comment.idea.campaign_id},
        follow=True,
    )
    assert "Contribution masquée" in response.content.decode()
    assert response.redirect_chain[0][0].endswith(f"?campaign={reported_comment.idea.campaign_id}")
    reported_comment.refresh_from_db()
    assert (reported_comment.moderation, reported_comment.moderation_reason) == (Moderation.HIDDEN, "Publicité")
    assert AbuseReport.objects.get().resolved_at is not None
    assert Idea.objects.get(pk=reported_comment.idea_id).comment_count == 0
    assert "Achetez mes crypto-monnaies" not in client.get(reverse(QUEUE)).content.decode()


def test_moderator_rejects_with_a_reason(client_for, moderator_user, pending_idea):
    client_for(moderator_user).post(moderate_url(pending_idea), {"decision": "reject", "reason": "Hors sujet"})
    pending_idea.refresh_from_db()
    assert (pending_idea.moderation, pending_idea.moderation_reason) == (Moderation.REJECTED, "Hors sujet")


@pytest.mark.parametrize("decision", ["hide", "reject"])
def test_hiding_or_rejecting_without_a_reason_says_so_and_changes_nothing(
    client_for, moderator_user, pending_idea, decision
):
    response = client_for(moderator_user).post(
        moderate_url(pending_idea), {"decision": decision, "reason": " "}, follow=True
    )
    assert "Indiquez le motif" in response.content.decode()
    pending_idea.refresh_from_db()
    assert pending_idea.moderation == Moderation.PENDING


def test_a_script_in_an_idea_title_shows_escaped_in_the_queue(client_for, moderator_user, moderated_board, people):
    Idea.objects.create(
        campaign=moderated_board.campaign,
        author=people[0],
        moderation=Moderation.PENDING,
        title="<script>alert('titre')</script>",
    )
    text = client_for(moderator_user).get(reverse(QUEUE)).content.decode()
    assert "<script>alert('titre')</script>" not in text
    assert "&lt;script&gt;alert(&#x27;titre&#x27;)&lt;/script&gt;" in text


def test_a_script_in_a_title_shows_escaped_in_the_message_after_a_decision(
    client_for, moderator_user, moderated_board, people
):
    idea = Idea.objects.create(
        campaign=moderated_board.campaign,
        author=people[0],
        moderation=Moderation.PENDING,
        title="<script>alert(1)</script>",
    )
    text = client_for(moderator_user).post(moderate_url(idea), {"decision": "approve"}, follow=True).content.decode()
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def _fill_queue(board, people, size):
    start = timezone.now() - timedelta(days=1)
    for number in range(size):
        idea = Idea.objects.create(
            campaign=board.campaign, author=people[number % 3], title=f"Idée {number}", moderation=Moderation.PENDING
        )
        comment = Comment.objects.create(idea=idea, author=people[(number + 1) % 3], body=f"Commentaire {number}")
        AbuseReport.objects.create(reporter=people[number % 3], comment=comment, reason="Spam")
        Idea.objects.filter(pk=idea.pk).update(created_at=start + timedelta(minutes=number))


def test_queue_page_takes_as_many_queries_for_30_items_as_for_3(
    client_for, moderator_user, moderated_board, people, django_assert_max_num_queries
):
    client = client_for(moderator_user)
    _fill_queue(moderated_board, people, 3)
    client.get(reverse(QUEUE))  # sessions, permissions and menus warmed up as on any later visit
    with django_assert_max_num_queries(13) as few:
        assert client.get(reverse(QUEUE)).status_code == 200
    _fill_queue(moderated_board, people, 27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse(QUEUE))
    assert page.content.decode().count("data-queue-entry=") == 60


@pytest.mark.parametrize("role", ["outsider_user", "analyst_user", "editor_user"])
def test_roles_without_moderation_rights_are_refused_the_queue_and_the_decisions(
    request, client_for, role, pending_idea, reported_comment
):
    client = client_for(request.getfixturevalue(role))
    queue = client.get(reverse(QUEUE))
    assert refused(queue) and b"coffre-fort" not in queue.content
    assert refused(client.post(moderate_url(pending_idea), {"decision": "approve"}))
    assert refused(client.post(moderate_url(reported_comment), {"decision": "hide", "reason": "Spam"}))
    pending_idea.refresh_from_db()
    reported_comment.refresh_from_db()
    assert pending_idea.moderation == Moderation.PENDING and reported_comment.moderation == Moderation.APPROVED
    assert AbuseReport.objects.get().resolved_at is None


def test_decisions_are_posted_never_taken_by_a_link(client_for, moderator_user, pending_idea):
    client = client_for(moderator_user)
    assert client.get(moderate_url(pending_idea) + "?decision=approve").status_code == 405
    assert (
        client.post(
            reverse("ideas_moderation:moderate", args=["vote", pending_idea.pk]), {"decision": "approve"}
        ).status_code
        == 404
    )
    pending_idea.refresh_from_db()
    assert pending_idea.moderation == Moderation.PENDING


def test_moderation_menu_shows_to_moderators_and_not_to_analysts(client_for, moderator_user, analyst_user):
    queue_url = reverse(QUEUE)
    assert queue_url in client_for(moderator_user).get(reverse("wagtailadmin_home")).content.decode()
    assert queue_url not in client_for(analyst_user).get(reverse("wagtailadmin_home")).content.decode()


def test_product_team_creates_a_pinned_question_signed_by_them(client_for, product_user, moderated_board):
    client = client_for(product_user)
    form = client.get(reverse("wagtailsnippets_ideas_idea:add")).content.decode()
    assert 'value="question"' in form and 'value="roadmap"' in form and 'value="idea"' not in form
    response = client.post(
        reverse("wagtailsnippets_ideas_idea:add"),
        {
            "campaign": moderated_board.campaign_id,
            "category": "",
            "kind": "question",
            "pinned": "on",
            "title": "Quelle alerte de dépense vous serait utile ?",
            "body": "Dites-nous quand vous aimeriez être prévenus.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    question = Idea.objects.get(title="Quelle alerte de dépense vous serait utile ?")
    assert (question.kind, question.pinned, question.author_user, question.author) == (
        Idea.Kind.QUESTION,
        True,
        product_user,
        None,
    )
    assert question.moderation == Moderation.APPROVED  # the team's own items are published at once


def test_a_category_of_another_campaign_is_refused(client_for, product_user, moderated_board):
    other = Board.objects.create(campaign=campaign(slug="credit", kind=Campaign.Kind.IDEATION))
    response = client_for(product_user).post(
        reverse("wagtailsnippets_ideas_idea:add"),
        {
            "campaign": other.campaign_id,
            "category": Category.objects.get(board=moderated_board).pk,
            "kind": "roadmap",
            "title": "Prêt en ligne",
            "body": "",
        },
    )
    assert response.status_code == 200 and "autre campagne" in response.content.decode()
    assert not Idea.objects.filter(title="Prêt en ligne").exists()


@pytest.mark.parametrize("role", ["moderator_user", "product_user"])
def test_no_staff_role_rewrites_an_ambassadors_idea_nor_moves_it(request, client_for, role, pending_idea, people):
    """Was: a moderator edited an idea's text and moved it to another campaign; the board showed the new words
    under the ambassador's name. Staff still pin it and file it under a category of its board."""
    elsewhere = campaign(slug="credit", kind=Campaign.Kind.IDEATION)
    Board.objects.create(campaign=elsewhere)
    category = pending_idea.campaign.board.categories.get()
    client = client_for(request.getfixturevalue(role))
    url = reverse("wagtailsnippets_ideas_idea:edit", args=[pending_idea.pk])
    form = client.get(url).content.decode()
    assert "ne se modifient pas" in form
    response = client.post(
        url,
        {
            "campaign": elsewhere.pk,
            "category": category.pk,
            "kind": "roadmap",
            "pinned": "on",
            "title": "Des frais plus élevés, bonne idée",
            "body": "Écrit par l'équipe",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    pending_idea.refresh_from_db()
    assert (pending_idea.title, pending_idea.body) == (
        "Un coffre-fort numérique",
        "Pour ranger <b>mes</b> justificatifs",
    )
    assert (pending_idea.campaign_id, pending_idea.kind) == (category.board.campaign_id, Idea.Kind.IDEA)
    assert (pending_idea.category, pending_idea.pinned) == (category, True)
    assert (pending_idea.author, pending_idea.author_user) == (people[0], None)


@pytest.mark.parametrize("role", ["moderator_user", "product_user"])
def test_no_staff_role_rewrites_an_ambassadors_comment(request, client_for, role, reported_comment):
    client = client_for(request.getfixturevalue(role))
    url = reverse("wagtailsnippets_ideas_comment:edit", args=[reported_comment.pk])
    assert "ne se modifient pas" in client.get(url).content.decode()
    client.post(url, {"body": "Je recommande la banque, signé un ambassadeur"})
    reported_comment.refresh_from_db()
    assert reported_comment.body == "Achetez mes crypto-monnaies !"


def test_the_team_still_edits_its_own_question(client_for, product_user, moderated_board):
    question = Idea.objects.create(
        campaign=moderated_board.campaign, kind=Idea.Kind.QUESTION, title="Question", author_user=product_user
    )
    response = client_for(product_user).post(
        reverse("wagtailsnippets_ideas_idea:edit", args=[question.pk]),
        {
            "campaign": question.campaign_id,
            "category": "",
            "kind": "question",
            "title": "Question précisée",
            "body": "",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.title == "Question précisée"


def test_moderator_finds_ideas_by_title_and_filters(client_for, moderator_user, moderated_board, pending_idea, people):
    Idea.objects.create(campaign=moderated_board.campaign, author=people[1], title="Virement instantané gratuit")
    client = client_for(moderator_user)
    found = client.get(reverse(IDEAS), {"q": "virement"}).content.decode()
    assert "Virement instantané" in found and "coffre-fort" not in found
    filtered = client.get(
        reverse(IDEAS),
        {"moderation": "pending", "campaign": moderated_board.campaign_id, "kind": "idea", "status": "new"},
    ).content.decode()
    assert "coffre-fort" in filtered and "Virement instantané" not in filtered


def test_analyst_reads_ideas_and_comments_but_changes_none(client_for, analyst_user, reported_comment):
    client = client_for(analyst_user)
    assert client.get(reverse(IDEAS)).status_code == 200
    assert client.get(reverse(COMMENTS)).status_code == 200
    assert refused(client.get(reverse("wagtailsnippets_ideas_idea:edit", args=[reported_comment.idea_id])))
    assert refused(client.get(reverse("wagtailsnippets_ideas_idea:add")))


def test_outsider_is_refused_boards_ideas_and_comments(client_for, outsider_user, reported_comment):
    client = client_for(outsider_user)
    for url in (
        reverse("wagtailsnippets_ideas_board:list"),
        reverse(IDEAS),
        reverse(COMMENTS),
        reverse("wagtailsnippets_ideas_idea:edit", args=[reported_comment.idea_id]),
    ):
        assert refused(client.get(url)), url


def test_product_team_sets_up_a_board_with_its_categories(client_for, product_user):
    target = campaign(slug="cartes", kind=Campaign.Kind.BOTH)
    response = client_for(product_user).post(
        reverse("wagtailsnippets_ideas_board:add"),
        {
            "campaign": target.pk,
            "moderation": "pre",
            "vote_budget": "5",
            "show_leaderboard": "on",
            "intro_fr": "Vos idées pour nos cartes",
            "intro_en": "",
            "categories-TOTAL_FORMS": "2",
            "categories-INITIAL_FORMS": "0",
            "categories-MIN_NUM_FORMS": "0",
            "categories-MAX_NUM_FORMS": "1000",
            "categories-0-slug": "paiement",
            "categories-0-name_fr": "Paiement",
            "categories-0-name_en": "Payment",
            "categories-0-ORDER": "1",
            "categories-0-id": "",
            "categories-0-DELETE": "",
            "categories-1-slug": "securite",
            "categories-1-name_fr": "Sécurité",
            "categories-1-name_en": "",
            "categories-1-ORDER": "2",
            "categories-1-id": "",
            "categories-1-DELETE": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    board = Board.objects.get(campaign=target)
    assert (board.moderation, board.vote_budget) == (Board.Mode.PRE, 5)
    assert [category.slug for category in board.categories.all()] == ["paiement", "securite"]


def test_comments_are_listed_but_never_created_in_the_admin(client_for, product_user, reported_comment):
    client = client_for(product_user)
    listing = client.get(reverse(COMMENTS)).content.decode()
    assert "Achetez mes crypto-monnaies" in listing
    assert reverse("wagtailsnippets_ideas_comment:add") not in listing
    assert refused(client.get(reverse("wagtailsnippets_ideas_comment:add")))


def test_deleting_a_comment_in_the_admin_keeps_the_count_exact(client_for, product_user, reported_comment):
    response = client_for(product_user).post(
        reverse("wagtailsnippets_ideas_comment:delete", args=[reported_comment.pk])
    )
    assert response.status_code == 302
    assert not Comment.objects.exists()
    assert Idea.objects.get(pk=reported_comment.idea_id).comment_count == 0


def test_every_ideas_admin_page_opens_for_the_product_team(client_for, product_user, moderated_board, reported_comment):
    client = client_for(product_user)
    idea_pk, comment_pk = reported_comment.idea_id, reported_comment.pk
    for name, args in [
        ("wagtailsnippets_ideas_board:list", []),
        ("wagtailsnippets_ideas_board:add", []),
        ("wagtailsnippets_ideas_board:edit", [moderated_board.pk]),
        (IDEAS, []),
        ("wagtailsnippets_ideas_idea:edit", [idea_pk]),
        ("wagtailsnippets_ideas_idea:inspect", [idea_pk]),
        (COMMENTS, []),
        ("wagtailsnippets_ideas_comment:edit", [comment_pk]),
        ("wagtailsnippets_ideas_comment:inspect", [comment_pk]),
        (QUEUE, []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name


# --- the team's review page of an idea ------------------------------------------------------------------------


@pytest.fixture
def reviewed(db):
    from ideas.models import Vote

    board = Board.objects.create(campaign=campaign(slug="revue", kind=Campaign.Kind.IDEATION))
    lea = ambassador("lea.revue@exemple.fr")
    first = Idea.objects.create(campaign=board.campaign, title="Virement instantané gratuit", author=lea, vote_count=1)
    second = Idea.objects.create(campaign=board.campaign, title="Virement instantané sans frais", vote_count=0)
    Vote.objects.create(idea=first, ambassador=lea)
    return first, second


def review_url(idea):
    return reverse("ideas_review:idea", args=[idea.pk])


def test_product_team_answers_moves_the_status_comments_and_sees_duplicates(
    client_for, product_user, reviewed, django_capture_on_commit_callbacks
):
    first, _second = reviewed
    client = client_for(product_user)
    page = client.get(review_url(first)).content.decode()
    assert "data-duplicates" in page and "Virement instantané sans frais" in page
    refused_step = client.post(review_url(first), {"action": "status", "to_status": "delivered", "answer_fr": "Fait"})
    assert refused_step.status_code == 400 and "ne peut pas passer" in refused_step.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        done = client.post(
            review_url(first),
            {
                "action": "status",
                "to_status": "under_review",
                "answer_fr": "Nous l'étudions.",
                "answer_en": "We are looking at it.",
            },
        )
    assert done.status_code == 302
    first.refresh_from_db()
    assert first.status == "under_review" and first.status_changes.get().answer_en == "We are looking at it."
    client.post(review_url(first), {"action": "comment", "body": "Merci pour cette idée !"})
    assert Comment.objects.get(idea=first).by_staff


def test_product_team_merges_a_duplicate_from_the_review_page(
    client_for, product_user, reviewed, django_capture_on_commit_callbacks
):
    first, second = reviewed
    client = client_for(product_user)
    assert client.post(review_url(second), {"action": "merge", "target": second.pk}).status_code == 400
    with django_capture_on_commit_callbacks(execute=False):
        moved = client.post(review_url(first), {"action": "merge", "target": second.pk})
    assert moved.status_code == 302 and moved["Location"] == review_url(second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.merged_into == second and second.vote_count == 1


def test_moderators_analysts_and_outsiders_cannot_answer_or_merge(
    client_for, moderator_user, analyst_user, outsider_user, reviewed
):
    first, second = reviewed
    for user in (moderator_user, analyst_user, outsider_user):
        client = client_for(user)
        assert refused(client.get(review_url(first)))
        assert refused(client.post(review_url(first), {"action": "merge", "target": second.pk}))
    first.refresh_from_db()
    assert first.merged_into is None and not first.status_changes.exists()


def test_admin_home_shows_what_awaits_moderation_per_campaign(client_for, moderator_user, editor_user, board):
    from ideas.models import Comment

    lea = Idea.objects.create(campaign=board.campaign, title="En attente", moderation=Moderation.PENDING)
    Idea.objects.create(campaign=board.campaign, title="Encore une", moderation=Moderation.PENDING)
    Comment.objects.create(idea=lea, body="Un commentaire", moderation=Moderation.PENDING)
    published = Idea.objects.create(campaign=board.campaign, title="Publiée")
    AbuseReport.objects.create(idea=published, reporter=published.campaign.invitations.first().ambassador)
    html = " ".join(client_for(moderator_user).get(reverse("wagtailadmin_home")).content.decode().split())
    assert "En attente de modération" in html and "<td>2</td><td>1</td><td>1</td>" in html
    assert "En attente de modération" not in client_for(editor_user).get(reverse("wagtailadmin_home")).content.decode()
