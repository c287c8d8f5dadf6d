"""django-q2 entry points: each calls the same function a test calls."""

from campaigns import delivery
from campaigns.import_jobs import run_import
from campaigns.retention import campaigns_deidentify


def run_ambassador_import(job_id, segment_id=None, language=None):
    return run_import(job_id, segment_id, language)


def send_emails(kind, object_id):
    return delivery.send_emails(kind, object_id)


def tick():
    return delivery.tick()


def retention():
    return campaigns_deidentify()
