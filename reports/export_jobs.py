"""Exports run by django-q2: an ExportJob row records the progress, the task writes the file under
var/exports, the admin links to it once done. ``export_report`` (the management command) writes the same file
without the queue."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django_q.tasks import async_task

from reports import exports
from reports.models import ExportJob

Status = ExportJob.Status


class ExportError(ValueError):
    pass


def export_dir():
    path = Path(settings.VAR_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_file_name(campaign, fmt, table=""):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"rapport-{slugify(campaign.slug)}{f'-{table}' if table else ''}-{stamp}.{fmt}"


def export_write(campaign, fmt, target, *, table="", row_limit=exports.SHEET_ROW_LIMIT, progress=None, identities=True):
    """Write the campaign's report as ``fmt`` ("xlsx": the workbook; "csv": ``table``, one of
    ``exports.TABLE_NAMES``) to the path ``target``. Returns the number of rows written; ExportError when the
    format or the table is unknown."""
    if fmt == ExportJob.Format.XLSX:
        return exports.write_workbook(campaign, target, row_limit=row_limit, progress=progress, identities=identities)
    if fmt == ExportJob.Format.CSV:
        found = exports.table(campaign, table or "invitations", identities=identities)
        if found is None:
            raise ExportError(
                f"campaign {campaign.slug!r} has no table {table!r}: choose among {', '.join(exports.TABLE_NAMES)}"
            )
        return exports.write_csv(found, target, progress=progress)
    raise ExportError(f"unknown format {fmt!r}: xlsx or csv")


def export_start(*, campaign, user, fmt=ExportJob.Format.XLSX, table="", language=None):
    """Record an export and queue it; returns the ExportJob."""
    job = ExportJob.objects.create(
        campaign=campaign, created_by=user, format=fmt, table=table, file_name=export_file_name(campaign, fmt, table)
    )
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: async_task("reports.tasks.run_export", job.pk, language, task_name=f"export-{job.pk}")
    )
    return job


def export_run(job_id, language=None):
    """Write a recorded export, saving its progress as rows go; returns its status."""
    job = ExportJob.objects.select_related("campaign", "created_by").get(pk=job_id)
    if job.is_finished:
        return job.status
    target = export_dir() / f"{job.pk}-{uuid.uuid4().hex}.{job.format}"
    ExportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, file_path=str(target))

    def progress(done, total):
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total)

    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            rows = export_write(
                job.campaign,
                job.format,
                target,
                table=job.table,
                progress=progress,
                identities=exports.may_see_identities(job.created_by),
            )
        except Exception as exc:
            target.unlink(missing_ok=True)
            ExportJob.objects.filter(pk=job.pk).update(
                status=Status.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now()
            )
            if isinstance(exc, ExportError):
                return Status.FAILED
            raise
    finished = ExportJob.objects.filter(pk=job.pk).update(
        status=Status.DONE, rows_done=rows, rows_total=rows, finished_at=timezone.now()
    )
    if not finished:  # deleted while it was written (an erasure): the file goes too
        target.unlink(missing_ok=True)
    return Status.DONE
