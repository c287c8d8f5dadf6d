"""Ideas and comments written by a campaign's ambassadors, for the listening tests."""

from datetime import timedelta

from campaigns.models import Invitation
from ideas.models import Board, Comment, Idea


def authors_of(campaign):
    invitations = Invitation.objects.filter(campaign=campaign).exclude(status=Invitation.Status.SKIPPED)
    return [invitation.ambassador for invitation in invitations.select_related("ambassador").order_by("pk")]


def ideas_written(campaign, texts, *, start=0, at=None, body=""):
    """One idea per text, each by another ambassador (from the ``start``-th), created at ``at`` when given; the text
    is the title (the body too, with ``{name}`` for the author's last name, when ``body`` is given)."""
    Board.objects.get_or_create(campaign=campaign)
    ideas = []
    for person, text in zip(authors_of(campaign)[start:], texts):
        title, description = (text, "") if not body else (body.format(name=person.last_name), text)
        ideas.append(Idea.objects.create(campaign=campaign, title=title[:140], body=description, author=person))
    if at is not None:
        Idea.objects.filter(pk__in=[idea.pk for idea in ideas]).update(created_at=at)
    return ideas


def comments_written(idea, texts, *, start=0, at=None):
    comments = [
        Comment.objects.create(idea=idea, author=person, body=text.format(name=person.last_name))
        for person, text in zip(authors_of(idea.campaign)[start:], texts)
    ]
    if at is not None:
        Comment.objects.filter(pk__in=[comment.pk for comment in comments]).update(created_at=at)
    return comments


def weeks_later(moment, weeks):
    return moment + timedelta(weeks=weeks)
