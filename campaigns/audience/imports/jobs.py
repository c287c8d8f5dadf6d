"""Imports started from the admin: the uploaded file is kept under var/imports, an AmbassadorImport row
records the progress and the report, and a django-q2 task does the work (``run_import``)."""

import functools
import uuid
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


def import_start(*, upload, user, update_existing, keep_valid, dry_run, segment, language):
    """Keep the uploaded file, record the import and queue it. Returns the AmbassadorImport."""
    stored = import_dir() / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    with open(stored, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    job = AmbassadorImport.objects.create(
        created_by=user,
        file_name=Path(upload.name).name[:255],
        stored_path=str(stored),
        update_existing=update_existing,
        keep_valid=keep_valid,
        dry_run=dry_run,
    )
    segment_id = segment.pk if segment else None
    transaction.on_commit(
        lambda: async_task(
            "campaigns.tasks.run_ambassador_import", job.pk, segment_id, language, task_name=f"import-{job.pk}"
        )
    )
    return job


def run_import(job_id, segment_id=None, language=None):
    """Run a recorded import, saving its progress after each batch and its report at the end."""
    job = AmbassadorImport.objects.get(pk=job_id)
    if job.is_finished:
        return job.status
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            report = import_ambassadors(
                job.stored_path,
                update=job.update_existing,
                keep_valid=job.keep_valid,
                dry_run=job.dry_run,
                segment=Segment.objects.get(pk=segment_id) if segment_id else None,
                progress=functools.partial(_progress, job.pk),
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
    job.errors = [error.as_dict() for error in report.errors]
    job.status = Status.DONE if report.written or (job.dry_run and not report.rejected) else Status.REJECTED
