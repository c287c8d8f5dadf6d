import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns.models import Ambassador, Invitation
from ideas import posting
from ideas.models import AbuseReport, Award, Board, Category, Comment, Idea, Moderation
from ideas.posting import abuse_report, comment_edit, comment_post, idea_post
from tests.ideas.conftest import idea

pytestmark = pytest.mark.django_db


@pytest.fixture
def lea(board):
    return Ambassador.objects.get(email="lea@exemple.fr")


def test_post_moderated_ideas_show_at_once_pre_moderated_ones_wait(board, lea):
    assert idea_post(board=board, ambassador=lea, title="Payer par mobile").moderation == Moderation.APPROVED
    board.moderation = Board.Mode.PRE
    board.save()
    assert idea_post(board=board, ambassador=lea, title="Carte virtuelle").moderation == Moderation.PENDING


def test_posting_is_rate_limited(board, lea, settings):
    settings.IDEAS_PER_HOUR = 2
    idea_post(board=board, ambassador=lea, title="Une")
    idea_post(board=board, ambassador=lea, title="Deux")
    with pytest.raises(ValidationError, match="dans une heure"):
        idea_post(board=board, ambassador=lea, title="Trois")
    assert Idea.objects.count() == 2
    later = timezone.now() + timezone.timedelta(hours=1, minutes=1)
    assert idea_post(board=board, ambassador=lea, title="Trois", now=later)


def test_a_category_of_another_board_is_refused(board, lea):
    other = Board.objects.create(campaign=type(board.campaign).objects.create(slug="autre", title="Autre"))
    category = Category.objects.create(board=other, slug="x", name_fr="X")
    with pytest.raises(ValidationError, match="catégorie"):
        idea_post(board=board, ambassador=lea, title="Idée", category=category)


def test_replies_are_one_level_and_counted(board, lea):
    target = idea(board)
    first = comment_post(board=board, idea=target, ambassador=lea, body="Oui !")
    reply = comment_post(board=board, idea=target, ambassador=lea, body="Et aussi…", parent=first)
    reply_to_reply = comment_post(board=board, idea=target, ambassador=lea, body="Encore", parent=reply)
    assert reply.parent == first and reply_to_reply.parent == first
    target.refresh_from_db()
    assert target.comment_count == 3


def test_staff_comments_are_marked_and_never_held(board, lea, django_user_model):
    board.moderation = Board.Mode.PRE
    board.save()
    target = idea(board)
    staff = django_user_model.objects.create_user("equipe")
    answer = comment_post(board=board, idea=target, user=staff, body="Merci, nous étudions.")
    held = comment_post(board=board, idea=target, ambassador=lea, body="Merci")
    assert answer.by_staff and answer.moderation == Moderation.APPROVED and held.moderation == Moderation.PENDING
    target.refresh_from_db()
    assert target.comment_count == 1


def test_comments_are_editable_by_their_author_for_a_short_time(board, lea, settings):
    settings.COMMENT_EDIT_MINUTES = 15
    target = idea(board)
    comment = comment_post(board=board, idea=target, ambassador=lea, body="Premier jet")
    comment_edit(comment=comment, ambassador=lea, body="Version corrigée")
    comment.refresh_from_db()
    assert comment.body == "Version corrigée" and comment.edited_at
    john = Ambassador.objects.get(email="john@example.com")
    with pytest.raises(ValidationError):
        comment_edit(comment=comment, ambassador=john, body="Pas à moi")
    with pytest.raises(ValidationError):
        comment_edit(
            comment=comment, ambassador=lea, body="Trop tard", now=timezone.now() + timezone.timedelta(minutes=16)
        )


def test_an_ambassador_reports_an_item_once(board, lea):
    target = idea(board)
    assert abuse_report(ambassador=lea, idea=target, reason="Publicité")
    assert not abuse_report(ambassador=lea, idea=target, reason="Encore")
    comment = Comment.objects.create(idea=target, body="Spam")
    assert abuse_report(ambassador=lea, comment=comment)
    assert AbuseReport.objects.count() == 2


def badge_grant_fails(monkeypatch):
    def refused(**kwargs):
        raise RuntimeError("badges out of order")

    monkeypatch.setattr(posting, "awards_grant", refused)


def test_an_idea_posted_through_an_invitation_marks_it_answered_and_earns_its_badge(board, invitation):
    posted = idea_post(board=board, ambassador=invitation.ambassador, invitation=invitation, title="Payer par mobile")
    invitation.refresh_from_db()
    assert Idea.objects.get() == posted and invitation.responded_at is not None
    assert Award.objects.filter(ambassador=invitation.ambassador, badge=Award.Badge.FIRST_IDEA).exists()


def test_an_idea_whose_badges_fail_is_not_posted_nor_the_invitation_answered(board, invitation, monkeypatch):
    badge_grant_fails(monkeypatch)
    with pytest.raises(RuntimeError):
        idea_post(board=board, ambassador=invitation.ambassador, invitation=invitation, title="Payer par mobile")
    assert not Idea.objects.exists() and not Invitation.objects.filter(responded_at__isnull=False).exists()


def test_the_first_idea_makes_the_board_row_and_a_failed_one_leaves_none(board, invitation, monkeypatch):
    campaign = board.campaign
    Board.objects.filter(pk=board.pk).delete()
    unsaved = Board(campaign=campaign)
    with monkeypatch.context() as patched:
        badge_grant_fails(patched)
        with pytest.raises(RuntimeError):
            idea_post(board=unsaved, ambassador=invitation.ambassador, invitation=invitation, title="Une idée")
    assert not Board.objects.exists()
    posted = idea_post(board=unsaved, ambassador=invitation.ambassador, invitation=invitation, title="Une idée")
    assert Board.objects.get(campaign=campaign).moderation == Board.Mode.POST and posted.campaign == campaign


def test_a_comment_through_an_invitation_is_counted_and_marks_it_answered(board, invitation):
    target = idea(board)
    comment_post(board=board, idea=target, ambassador=invitation.ambassador, invitation=invitation, body="Oui !")
    target.refresh_from_db()
    invitation.refresh_from_db()
    assert target.comment_count == 1 and invitation.responded_at is not None


def test_a_comment_whose_badges_fail_leaves_no_comment_count_nor_answer(board, invitation, monkeypatch):
    target = idea(board)
    badge_grant_fails(monkeypatch)
    with pytest.raises(RuntimeError):
        comment_post(board=board, idea=target, ambassador=invitation.ambassador, invitation=invitation, body="Oui")
    target.refresh_from_db()
    invitation.refresh_from_db()
    assert not Comment.objects.exists() and target.comment_count == 0 and invitation.responded_at is None
