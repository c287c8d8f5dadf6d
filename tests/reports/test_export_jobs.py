import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.export_jobs import ExportError, export_run, export_start, export_write
from reports.exports import streaming
from reports.models import ExportJob

pytestmark = pytest.mark.django_db


def test_an_export_runs_through_the_task_queue_with_its_progress(
    answered, product_user, monkeypatch, settings, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(streaming, "PROGRESS_EVERY", 5)
    seen = []
    original = ExportJob.objects.filter

    def spy(*args, **kwargs):  # the progress writes, as the admin page would read them
        queryset = original(*args, **kwargs)
        update = queryset.update

        def recorded(**values):
            if "rows_done" in values:
                seen.append((values["rows_done"], values.get("rows_total")))
            return update(**values)

        queryset.update = recorded
        return queryset

    monkeypatch.setattr(ExportJob.objects, "filter", spy)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(campaign=answered.campaign, user=product_user)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.percent == 100 and job.finished_at is not None
    assert job.rows_done == job.rows_total == 27 and job.file_name.endswith(".xlsx")
    assert (0, 27) in seen and (5, 27) in seen and (25, 27) in seen  # 26 rows and one theme
    assert Path(job.file_path).parent == Path(settings.VAR_DIR) / "exports"
    assert load_workbook(job.file_path, read_only=True).sheetnames == [
        "Synthèse",
        "Invitations",
        "Réponses",
        "Thèmes",
        "Codes",
    ]


def test_a_csv_export_job_writes_its_table(answered, product_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(campaign=answered.campaign, user=product_user, fmt="csv", table="responses")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.rows_done == 7
    with open(job.file_path, encoding="utf-8-sig") as handle:
        assert len(list(csv.reader(handle))) == 8


def test_an_export_of_an_unknown_table_fails_with_its_reason(
    answered, analyst_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(campaign=answered.campaign, user=analyst_user, fmt="csv", table="votes")  # no board
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "votes" in job.error and not Path(job.file_path).exists()
    assert export_run(job.pk) == ExportJob.Status.FAILED  # a finished job is not run again


def test_export_write_refuses_an_unknown_format(known, tmp_path):
    with pytest.raises(ExportError, match="pdf"):
        export_write(known, "pdf", tmp_path / "x.pdf")
