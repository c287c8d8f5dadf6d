"""Language and sentiment of every new free-text answer, written in batches (the ``reports: listening``
schedule, every 10 minutes): set-based reads of the texts not analysed yet, one bulk insert per batch."""

from django.db.models import Exists, OuterRef

from reports.listening.language import detect_language
from reports.listening.sentiment import sentiment

BATCH = 2_000
TEXT_KINDS = ("short_text", "long_text")


def texts_waiting(campaign=None):
    """Submitted free-text answers (of a campaign, or all) that have no analysis yet."""
    from reports.models import TextAnalysis
    from surveys.models import Answer

    analysed = TextAnalysis.objects.filter(answer=OuterRef("pk"))
    answers = Answer.objects.all() if campaign is None else Answer.objects.filter(response__survey__campaign=campaign)
    return (
        answers.filter(response__submitted_at__isnull=False, question__kind__in=TEXT_KINDS)
        .exclude(text="")
        .filter(~Exists(analysed))
    )


def orphans_delete():
    """Delete the analyses whose answer is gone (replaced while answering, or erased)."""
    from reports.models import TextAnalysis
    from surveys.models import Answer

    return TextAnalysis.objects.filter(~Exists(Answer.objects.filter(pk=OuterRef("answer_id")))).delete()[0]


def texts_analyse(batch=BATCH, limit=None, campaign=None):
    """Analyse the waiting texts (of a campaign, or all), ``batch`` at a time, up to ``limit`` (all when None);
    returns how many. The analyses of deleted answers go first."""
    from reports.models import TextAnalysis

    orphans_delete()
    done = 0
    while limit is None or done < limit:
        size = batch if limit is None else min(batch, limit - done)
        waiting = list(texts_waiting(campaign).order_by("pk").values_list("pk", "text")[:size])
        if not waiting:
            break
        rows = []
        for pk, text in waiting:
            feeling = sentiment(text)
            rows.append(
                TextAnalysis(answer_id=pk, language=detect_language(text), sentiment=feeling.label, score=feeling.score)
            )
        TextAnalysis.objects.bulk_create(rows, ignore_conflicts=True)  # a second worker may have done some
        done += len(rows)
    return done


def campaign_texts_analyse(campaign, *, again=False):
    """Every free text of a campaign analysed in bulk: its survey's answers, its ideas and their comments (with
    ``again``, the ideas and comments already analysed too). Returns {"answers": n, "idea": n, "comment": n}."""
    from reports.listening.contributions import campaign_analyses_forget, contributions_analyse

    if again:
        campaign_analyses_forget(campaign)
    return {"answers": texts_analyse(campaign=campaign), **contributions_analyse(campaign)}
