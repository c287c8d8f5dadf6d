"""Ideas (title and description) and comments listened to like survey answers: their language and sentiment
stored in ``ContributionAnalysis``, one at a time as they arrive (a django-q2 task queued when one is saved,
``reports.listening.arrivals``) and in bulk (the ``reports: listening`` schedule, ``manage.py
analyse_campaign``): set-based reads of those not analysed yet, one bulk insert per batch."""

from django.db.models import Exists, OuterRef

from reports.listening.language import detect_language
from reports.listening.sentiment import sentiment

IDEA = "idea"
COMMENT = "comment"
KINDS = (IDEA, COMMENT)
BATCH = 2_000


def idea_text(title, body):
    """What an idea says: its title, then its description."""
    title, body = (title or "").strip(), (body or "").strip()
    if not body:
        return title
    return f"{title}{'' if title.endswith(('.', '!', '?')) else '.'} {body}" if title else body


def analysis_fields(text):
    feeling = sentiment(text)
    return {"language": detect_language(text), "sentiment": feeling.label, "score": feeling.score}


def contributions(kind, campaign=None):
    """The ideas or the comments (of a campaign, or all), as (pk, text) value rows."""
    from ideas.models import Comment, Idea

    if kind == IDEA:
        queryset = Idea.objects.all() if campaign is None else Idea.objects.filter(campaign=campaign)
        return queryset, ("pk", "title", "body")
    queryset = Comment.objects.all() if campaign is None else Comment.objects.filter(idea__campaign=campaign)
    return queryset, ("pk", "body")


def text_of(kind, values):
    return idea_text(*values) if kind == IDEA else values[0] or ""


def contribution_analyse(kind, pk):
    """Analyse one idea or comment again (the task queued when it is saved); False when it is gone."""
    from reports.models import ContributionAnalysis

    queryset, fields = contributions(kind)
    row = queryset.filter(pk=pk).values_list(*fields).first()
    if row is None:
        return False
    ContributionAnalysis.objects.update_or_create(
        **{f"{kind}_id": pk}, defaults=analysis_fields(text_of(kind, row[1:]))
    )
    return True


def contributions_waiting(kind, campaign=None):
    from reports.models import ContributionAnalysis

    queryset, fields = contributions(kind, campaign)
    analysed = ContributionAnalysis.objects.filter(**{kind: OuterRef("pk")})
    return queryset.filter(~Exists(analysed)).order_by("pk").values_list(*fields)


def contributions_analyse(campaign=None, batch=BATCH):
    """Analyse every idea and comment (of a campaign, or all) not analysed yet; returns {kind: how many}."""
    from reports.models import ContributionAnalysis

    done = {}
    for kind in KINDS:
        done[kind] = 0
        while True:
            waiting = list(contributions_waiting(kind, campaign)[:batch])
            if not waiting:
                break
            rows = [
                ContributionAnalysis(**{f"{kind}_id": row[0]}, **analysis_fields(text_of(kind, row[1:])))
                for row in waiting
            ]
            ContributionAnalysis.objects.bulk_create(rows, ignore_conflicts=True)  # the task may have done some
            done[kind] += len(rows)
    return done


def campaign_analyses_forget(campaign):
    """Delete the stored analyses of a campaign's ideas and comments (to analyse them again)."""
    from django.db.models import Q

    from reports.models import ContributionAnalysis

    return ContributionAnalysis.objects.filter(
        Q(idea__campaign=campaign) | Q(comment__idea__campaign=campaign)
    ).delete()[0]
