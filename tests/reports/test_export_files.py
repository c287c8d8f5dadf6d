"""Export files do not outlive their use: deleted with an erasure of someone in them, and EXPORT_RETENTION_DAYS days
after they were asked for, by a daily schedule."""

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_q.models import Schedule

from reports import tasks
from reports.export_files import exports_erase
from reports.export_jobs import export_dir, export_run, export_start
from reports.models import ExportJob
from tests.campaigns.factories import ambassador

pytestmark = pytest.mark.django_db


def made(campaign, user, *, days_ago=0):
    job = export_start(campaign=campaign, user=user, fmt="csv", table="invitations")
    export_run(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    job.refresh_from_db()
    assert Path(job.file_path).exists()
    return job


def test_exports_expire_after_the_retention_days_by_a_daily_schedule(
    settings, answered, product_user, django_capture_on_commit_callbacks
):
    settings.EXPORT_RETENTION_DAYS = 30
    old, recent = made(answered.campaign, product_user, days_ago=31), made(answered.campaign, product_user, days_ago=29)
    orphan = export_dir() / "99-abandoned.csv"  # its export was deleted while the task wrote it
    orphan.write_text("breton.0@exemple.fr")
    month_ago = time.time() - 31 * 86400
    os.utime(orphan, (month_ago, month_ago))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.export_retention() == 2
    assert not Path(old.file_path).exists() and not ExportJob.objects.filter(pk=old.pk).exists()
    assert Path(recent.file_path).exists() and ExportJob.objects.filter(pk=recent.pk).exists()
    assert not orphan.exists()
    schedule = Schedule.objects.get(name="reports: export retention")
    assert schedule.func == "reports.tasks.export_retention" and schedule.schedule_type == Schedule.DAILY


def test_exports_are_kept_for_ever_with_zero_days(settings, answered, product_user, django_capture_on_commit_callbacks):
    settings.EXPORT_RETENTION_DAYS = 0
    job = made(answered.campaign, product_user, days_ago=400)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.export_retention() == 0
    assert Path(job.file_path).exists()


def test_an_erasure_deletes_the_exports_of_the_campaigns_the_person_was_in(
    answered, product_user, analyst_user, django_capture_on_commit_callbacks
):
    from campaigns.models import Invitation

    mine = made(answered.campaign, product_user)
    person = Invitation.objects.filter(campaign=answered.campaign).first().ambassador
    stranger = ambassador("inconnu@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        assert exports_erase(stranger, timezone.now()).startswith("0 fichier")
    assert Path(mine.file_path).exists()
    with django_capture_on_commit_callbacks(execute=True):
        said = exports_erase(person, timezone.now())
    assert said.startswith("1 fichier d'export supprimé") and not Path(mine.file_path).exists()
    assert not ExportJob.objects.exists()


def test_an_export_deleted_while_it_is_written_leaves_no_file(answered, product_user, monkeypatch):
    from reports import export_jobs

    job = export_start(campaign=answered.campaign, user=product_user, fmt="csv", table="invitations")
    written = export_jobs.export_write

    def erased_meanwhile(*args, **kwargs):
        rows = written(*args, **kwargs)
        ExportJob.objects.filter(pk=job.pk).delete()  # an erasure, committed while the task wrote the file
        return rows

    monkeypatch.setattr(export_jobs, "export_write", erased_meanwhile)
    export_run(job.pk)
    assert list(export_dir().iterdir()) == []


def test_the_retention_days_come_from_the_environment(tmp_path):
    from tests.config.test_settings import manage

    shown = "from django.conf import settings; print(settings.EXPORT_RETENTION_DAYS)"
    default = manage("shell", "-c", shown, EXPORT_RETENTION_DAYS="", VAR_DIR=str(tmp_path))
    assert default.returncode == 0 and default.stdout.split()[-1] == "30", default.stderr
    result = manage("shell", "-c", shown, EXPORT_RETENTION_DAYS="7", VAR_DIR=str(tmp_path))
    assert result.returncode == 0 and result.stdout.split()[-1] == "7", result.stderr
    refused = manage("check", EXPORT_RETENTION_DAYS="trente", VAR_DIR=str(tmp_path))
    assert refused.returncode != 0 and "EXPORT_RETENTION_DAYS" in refused.stderr
