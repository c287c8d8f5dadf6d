"""The files ambassadors sent (``surveys.types.file_upload``): the staff's list and download, their erasure with
the ambassador's personal data, and the sweep of files no answer names any more (replaced, or dropped with a
question the conditions hid). Files live in the private storage only; nothing here hands out a URL to them."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from surveys.models import Answer
from surveys.types.file_upload import FOLDER, survey_files_storage

KIND = "file_upload"
SWEEP_AFTER = datetime.timedelta(hours=6)  # a file saved by a page being answered now is left alone


def survey_files(survey):
    """The files sent for ``survey``, newest first: Answer rows with their question and, unless the survey is
    anonymous, who sent them."""
    answers = Answer.objects.filter(question__survey=survey, question__kind=KIND).exclude(text="")
    related = ["question", "response"] if survey.anonymous else ["question", "response__invitation__ambassador"]
    return answers.select_related(*related).order_by("-response__updated_at", "-pk")


def file_answer(pk):
    """The Answer holding a file, by its id, or None (nor for a text that is no name of the private folder)."""
    answer = Answer.objects.filter(pk=pk, question__kind=KIND).exclude(text="").select_related("question").first()
    if answer is None or not answer.text.startswith(f"{FOLDER}/") or ".." in answer.text.split("/"):
        return None
    return answer


def file_open(answer):
    return survey_files_storage().open(answer.text, "rb")


def files_delete(names):
    storage = survey_files_storage()
    for name in names:
        if name.startswith(f"{FOLDER}/"):
            storage.delete(name)


def files_erase(ambassador, now=None):
    """Delete the files ``ambassador`` sent (their answers, then, once committed, the stored files); returns
    what was done in a sentence, or ""."""
    answers = Answer.objects.filter(response__invitation__ambassador=ambassador, question__kind=KIND)
    names = [name for name in answers.values_list("text", flat=True) if name]
    answers.delete()
    if not names:
        return ""
    transaction.on_commit(lambda: files_delete(names))
    return ngettext("%(count)d fichier envoyé supprimé.", "%(count)d fichiers envoyés supprimés.", len(names)) % {
        "count": len(names)
    }


def stored_names(storage):
    """Every file name under the storage's folder of sent files (folder/question/token/name)."""
    if not storage.exists(FOLDER):
        return
    for question in storage.listdir(FOLDER)[0]:
        for token in storage.listdir(f"{FOLDER}/{question}")[0]:
            for name in storage.listdir(f"{FOLDER}/{question}/{token}")[1]:
                yield f"{FOLDER}/{question}/{token}/{name}"


def files_sweep(*, now=None, batch=500):
    """Delete the stored files no answer names and older than ``SWEEP_AFTER``; returns how many."""
    storage = survey_files_storage()
    limit = (now or timezone.now()) - SWEEP_AFTER
    deleted, pending = 0, []

    def flush():
        nonlocal deleted
        named = set(Answer.objects.filter(question__kind=KIND, text__in=pending).values_list("text", flat=True))
        for name in pending:
            if name not in named and storage.get_modified_time(name) < limit:
                storage.delete(name)
                deleted += 1
        pending.clear()

    for name in stored_names(storage):
        pending.append(name)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return deleted


def download_name(answer):
    """The name a download is saved under: the question's code and the file's own name."""
    return f"{answer.question.code}-{answer.text.rsplit('/', 1)[-1]}"
