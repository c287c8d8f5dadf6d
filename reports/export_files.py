"""Export files do not outlive their use: those of the campaigns an erased ambassador took part in are deleted
with the erasure (``exports_erase``, a section of ``campaigns.audience.personal_data``), and every file is deleted
``EXPORT_RETENTION_DAYS`` days after it was asked for (``exports_expire``, run daily by the ``reports: export
retention`` schedule), with its ``ExportJob``. A file under var/exports that no export points to (its export was
deleted while the task was writing it) goes at the same time."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from campaigns.models import Invitation
from reports.export_jobs import export_dir
from reports.models import ExportJob


def campaigns_of(ambassador):
    """Ids of the campaigns ``ambassador`` took part in: invited, or author, commenter or voter on their board."""
    from ideas.models import Comment, Idea, Vote

    found = set(Invitation.objects.filter(ambassador=ambassador).values_list("campaign_id", flat=True))
    found |= set(Idea.objects.filter(author=ambassador).values_list("campaign_id", flat=True))
    found |= set(Comment.objects.filter(author=ambassador).values_list("idea__campaign_id", flat=True))
    found |= set(Vote.objects.filter(ambassador=ambassador).values_list("idea__campaign_id", flat=True))
    return found


def exports_delete(jobs):
    """Delete the ``jobs`` (a queryset) and, once that is committed, their files. Returns how many files there were."""
    paths = [path for path in jobs.values_list("file_path", flat=True) if path]
    jobs.delete()

    def unlink():
        for path in paths:
            Path(path).unlink(missing_ok=True)

    transaction.on_commit(unlink)
    return len(paths)


def exports_erase(ambassador, now):
    """The erasure's section: every export of the campaigns the ambassador took part in (workbooks and CSV files,
    whoever asked for them: any of them may name or single out the person) is deleted. Returns what was done."""
    deleted = exports_delete(ExportJob.objects.filter(campaign_id__in=campaigns_of(ambassador)))
    return ngettext(
        "%(count)s fichier d'export supprimé (rapports des campagnes auxquelles il a pris part)",
        "%(count)s fichiers d'export supprimés (rapports des campagnes auxquelles il a pris part)",
        deleted,
    ) % {"count": deleted}


def orphans_delete(now, age):
    """Delete the files under var/exports older than ``age`` that no export points to; returns how many."""
    known = set(ExportJob.objects.exclude(file_path="").values_list("file_path", flat=True))
    limit = (now - age).timestamp()
    gone = 0
    for path in export_dir().iterdir():
        if path.is_file() and str(path) not in known and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            gone += 1
    return gone


def exports_expire(now=None):
    """Delete the exports asked for more than ``EXPORT_RETENTION_DAYS`` days ago (0: kept for ever), their files,
    and the files no export points to; returns the number of files deleted."""
    if not settings.EXPORT_RETENTION_DAYS:
        return 0
    now = now or timezone.now()
    age = timedelta(days=settings.EXPORT_RETENTION_DAYS)
    with transaction.atomic():
        expired = exports_delete(ExportJob.objects.filter(Q(created_at__lt=now - age)))
    return expired + orphans_delete(now, age)
