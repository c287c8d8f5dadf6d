"""django-q2 entry points: each calls the same function a test calls."""

from campaigns.audience.imports.jobs import import_files_expire, run_import
from campaigns.audience.retention import campaigns_deidentify
from campaigns.audit.trail import audit_purge
from campaigns.engagement.emails import tier_emails_send
from campaigns.engagement.recompute import recompute
from campaigns.sending import clock, senders


def run_ambassador_import(job_id, segment_id=None, language=None, columns=None):
    return run_import(job_id, segment_id, language, columns)


def send_emails(kind, object_id):
    return senders.send_emails(kind, object_id)


def tick():
    return clock.tick()


def retention():
    return campaigns_deidentify()


def audit_retention():
    return audit_purge()


def import_files_retention():
    return import_files_expire()


def engagement():
    return recompute().pk


def tier_emails():
    return tier_emails_send()
