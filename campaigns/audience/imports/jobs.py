"""Imports started from the admin: the uploaded file is kept under var/imports, an AmbassadorImport row
records the progress and the report, and a django-q2 task does the work (``run_import``). The rejected rows are
kept as files under var/imports/rejected (CSV, and XLSX for a workbook) to download, fix and import again; like
the exports, they are deleted ``EXPORT_RETENTION_DAYS`` days after the import (``import_files_expire``, run daily
by the ``campaigns: import files retention`` schedule) and with the erasure of anyone they name
(``rejected_files_erase``)."""

import functools
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django_q.tasks import async_task

from campaigns.audience.imports.files import ImportFileError
from campaigns.audience.imports.limits import capped
from campaigns.audience.imports.run import import_ambassadors
from campaigns.audit.trail import import_recorded
from campaigns.models import AmbassadorImport, Segment

Status = AmbassadorImport.Status


def import_dir():
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def rejected_dir():
    path = import_dir() / "rejected"
    path.mkdir(parents=True, exist_ok=True)
    return path


def rejected_paths(job):
    """Where the rejected rows of ``job`` go: a CSV, and an XLSX when the upload was a workbook."""
    stem = f"{job.pk}-{uuid.uuid4().hex}"
    xlsx = Path(job.file_name).suffix.lower() in {".xlsx", ".xlsm"}
    return rejected_dir() / f"{stem}.csv", (rejected_dir() / f"{stem}.xlsx" if xlsx else None)


def upload_keep(upload):
    """Keep an uploaded file under var/imports (a name of our own); returns its path."""
    stored = import_dir() / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    with open(stored, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return stored


def import_queue(*, stored, file_name, user, options, segment_id, language, columns=None):
    """Record the import of a kept file (``options``: update_existing, keep_valid, dry_run) and queue it, with the
    column mapping chosen (``columns``, see ``import_ambassadors``). Returns the AmbassadorImport."""
    job = AmbassadorImport.objects.create(
        created_by=user, file_name=Path(file_name).name[:255], stored_path=str(stored), **options
    )
    transaction.on_commit(
        lambda: async_task(
            "campaigns.tasks.run_ambassador_import",
            job.pk,
            segment_id,
            language,
            columns or None,
            task_name=f"import-{job.pk}",
        )
    )
    return job


def run_import(job_id, segment_id=None, language=None, columns=None):
    """Run a recorded import, saving its progress after each batch and its report at the end."""
    job = AmbassadorImport.objects.get(pk=job_id)
    if job.is_finished:
        return job.status
    rejected_csv, rejected_xlsx = rejected_paths(job)
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            report = import_ambassadors(
                job.stored_path,
                update=job.update_existing,
                keep_valid=job.keep_valid,
                dry_run=job.dry_run,
                segment=Segment.objects.get(pk=segment_id) if segment_id else None,
                progress=functools.partial(_progress, job.pk),
                name=job.file_name,
                rejected_csv=rejected_csv,
                rejected_xlsx=rejected_xlsx,
                columns=columns,
            )
        except ImportFileError as exc:
            job.status, job.fatal_error = Status.FAILED, str(exc)
        except Exception as exc:  # the database went away, a bug: say so on the import, keep what was counted
            job.refresh_from_db()
            job.status, job.fatal_error = Status.FAILED, capped(f"{type(exc).__name__}: {exc}")
            job.finished_at = timezone.now()
            job.save()
            raise
        else:
            _report_keep(job, report)
            if report.rejected:
                job.rejected_csv = str(rejected_csv)
                job.rejected_xlsx = str(rejected_xlsx or "")
    job.finished_at = timezone.now()
    job.save()
    import_recorded(job)
    Path(job.stored_path).unlink(missing_ok=True)
    return job.status


def _progress(job_id, stage, rows_done, rows_total, report):
    AmbassadorImport.objects.filter(pk=job_id).update(
        status=Status.VALIDATING if stage == "validating" else Status.WRITING,
        rows_done=rows_done,
        rows_total=rows_total,
        created_count=report.created,
        updated_count=report.updated,
        rejected_count=report.rejected,
    )


def _report_keep(job, report):
    """The finished import's figures and rejected rows, on its record (saved by the caller)."""
    job.rows_total = job.rows_done = report.rows
    job.created_count, job.updated_count, job.rejected_count = report.created, report.updated, report.rejected
    if job.dry_run:  # what writing would have done
        job.created_count, job.updated_count = report.would_create, report.would_update
    job.errors = [error.as_dict() for error in report.errors]
    job.status = Status.DONE if report.written or (job.dry_run and not report.rejected) else Status.REJECTED


def rejected_files_delete(jobs):
    """Delete the files of rejected rows of ``jobs`` (a queryset) and forget them; returns how many went."""
    jobs = jobs.exclude(rejected_csv="")
    paths = [path for pair in jobs.values_list("rejected_csv", "rejected_xlsx") for path in pair if path]
    jobs.update(rejected_csv="", rejected_xlsx="")

    def unlink():
        for path in paths:
            Path(path).unlink(missing_ok=True)

    transaction.on_commit(unlink)
    return len(paths)


def import_files_expire(now=None):
    """Delete the files of rejected rows of the imports started more than ``EXPORT_RETENTION_DAYS`` days ago (0:
    kept for ever), and any file under var/imports/rejected that no import points to and as old; returns how
    many files were deleted."""
    if not settings.EXPORT_RETENTION_DAYS:
        return 0
    now = now or timezone.now()
    limit = now - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    known = set()
    for paths in AmbassadorImport.objects.exclude(rejected_csv="").values_list("rejected_csv", "rejected_xlsx"):
        known.update(paths)
    gone = 0
    for path in rejected_dir().iterdir():
        if path.is_file() and str(path) not in known and path.stat().st_mtime < limit.timestamp():
            path.unlink(missing_ok=True)
            gone += 1
    gone += uploads_expire(limit)
    return gone + rejected_files_delete(AmbassadorImport.objects.filter(created_at__lt=limit))


def uploads_expire(limit):
    """Delete the uploaded files older than ``limit`` that no import points to (a file left at the column mapping
    step, never imported); returns how many went."""
    known = set(AmbassadorImport.objects.exclude(stored_path="").values_list("stored_path", flat=True))
    gone = 0
    for path in import_dir().iterdir():
        if path.is_file() and str(path) not in known and path.stat().st_mtime < limit.timestamp():
            path.unlink(missing_ok=True)
            gone += 1
    return gone


def _names(path, address):
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        return any(address in line.lower() for line in handle)


def rejected_files_erase(address):
    """The erasure's part: delete the files of rejected rows that name ``address`` (its CSV is searched; the
    XLSX beside it holds the same rows). Returns how many imports lost their files."""
    address = address.lower()
    named = [
        pk
        for pk, path in AmbassadorImport.objects.exclude(rejected_csv="").values_list("pk", "rejected_csv")
        if not Path(path).exists() or _names(path, address)
    ]
    rejected_files_delete(AmbassadorImport.objects.filter(pk__in=named))
    return len(named)
