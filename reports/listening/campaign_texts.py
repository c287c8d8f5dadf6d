"""The free texts of a campaign, from everywhere its ambassadors write: its survey's free-text answers, its ideas
(title and description) and their comments; only what the board shows (approved), only ambassadors' (the team's
own answers are not listened to). Each as a row (author, text, first name, last name, sentiment, score, when,
source), sentiment and score as stored (None when not analysed yet), the latest first."""

from django.db.models import F, Func, Subquery

from reports.listening.batch import TEXT_KINDS
from reports.listening.contributions import idea_text

ANSWERS = "answers"
IDEAS = "ideas"
COMMENTS = "comments"
SOURCES = (ANSWERS, IDEAS, COMMENTS)


def answers_of(campaign):
    from surveys.models import Answer

    return Answer.objects.filter(
        response__survey__campaign=campaign, response__submitted_at__isnull=False, question__kind__in=TEXT_KINDS
    ).exclude(text="")


def ideas_of(campaign):
    from ideas.models import Idea, Moderation

    return Idea.objects.filter(campaign=campaign, moderation=Moderation.APPROVED, author__isnull=False)


def comments_of(campaign):
    from ideas.models import Comment, Moderation

    return Comment.objects.filter(
        idea__campaign=campaign,
        idea__moderation=Moderation.APPROVED,
        moderation=Moderation.APPROVED,
        author__isnull=False,
    )


def figure_of(queryset, function):
    """One figure (COUNT or MAX of the ids) of a queryset, as a subquery."""
    return Subquery(queryset.order_by().values(figure=Func(F("pk"), function=function))[:1])


def sources_state(campaign):
    """How many texts each source has and its latest id: what the cached analysis depends on (one query)."""
    from campaigns.models import Campaign

    sources = (answers_of(campaign), ideas_of(campaign), comments_of(campaign))
    figures = [figure_of(queryset, function) for queryset in sources for function in ("COUNT", "MAX")]
    return list(Campaign.objects.filter(pk=campaign.pk).values_list(*figures).first() or ())


def answer_rows(campaign, limit):
    person = "response__invitation__ambassador__"
    values = answers_of(campaign).order_by("-response__submitted_at", "-pk")
    values = values.values_list(
        f"{person}id",
        "text",
        f"{person}first_name",
        f"{person}last_name",
        "analysis__sentiment",
        "analysis__score",
        "response__submitted_at",
    )
    return [(*row, ANSWERS) for row in values[:limit]]


def idea_rows(campaign, limit):
    values = ideas_of(campaign).order_by("-created_at", "-pk")
    values = values.values_list(
        "author_id",
        "title",
        "body",
        "author__first_name",
        "author__last_name",
        "analysis__sentiment",
        "analysis__score",
        "created_at",
    )
    return [(row[0], idea_text(row[1], row[2]), *row[3:], IDEAS) for row in values[:limit]]


def comment_rows(campaign, limit):
    values = comments_of(campaign).order_by("-created_at", "-pk")
    values = values.values_list(
        "author_id",
        "body",
        "author__first_name",
        "author__last_name",
        "analysis__sentiment",
        "analysis__score",
        "created_at",
    )
    return [(*row, COMMENTS) for row in values[:limit]]


def campaign_texts(campaign, limit):
    """The latest ``limit`` free texts of the campaign, all sources together, as rows (see the module)."""
    rows = answer_rows(campaign, limit) + idea_rows(campaign, limit) + comment_rows(campaign, limit)
    rows.sort(key=lambda row: row[6], reverse=True)
    return rows[:limit]
