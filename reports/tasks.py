"""django-q2 entry points: each calls the same function a test calls."""

from reports import export_files, export_jobs, weekly
from reports.listening import batch, contributions


def run_export(job_id, language=None):
    return export_jobs.export_run(job_id, language)


def weekly_reports():
    return weekly.weekly_reports_send()


def export_retention():
    return export_files.exports_expire()


def listening_batch():
    return batch.texts_analyse() + sum(contributions.contributions_analyse().values())


def listening_contribution(kind, pk):
    return contributions.contribution_analyse(kind, pk)
