"""Ideas and comments analysed as they arrive: when one is saved with a new text, a django-q2 task
(``reports.tasks.listening_contribution``) is queued once the transaction commits, so the ideas app need not
know about listening. The ``reports: listening`` schedule catches whatever a lost task left."""

from django.db import transaction
from django.db.models.signals import post_save

TEXT_FIELDS = {"title", "body"}


def task_queue(kind, pk):
    from django_q.tasks import async_task

    async_task("reports.tasks.listening_contribution", kind, pk, task_name=f"listening-{kind}-{pk}")


def contribution_saved(kind):
    def saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
        if raw or (update_fields is not None and not TEXT_FIELDS & set(update_fields)):
            return
        pk = instance.pk
        transaction.on_commit(lambda: task_queue(kind, pk))

    return saved


def arrivals_connect():
    """Connect the saves of ideas and comments to the listening task (``ReportsConfig.ready``)."""
    from ideas.models import Comment, Idea
    from reports.listening.contributions import COMMENT, IDEA

    for model, kind in ((Idea, IDEA), (Comment, COMMENT)):
        post_save.connect(contribution_saved(kind), sender=model, weak=False, dispatch_uid=f"reports-listening-{kind}")
