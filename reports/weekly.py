"""The weekly report: every live campaign's owner gets, once a week, the summary of its report in the email and
the workbook attached. A WeeklyReport row per campaign and week makes a repeated run send nothing twice.

A workbook bigger than ``WEEKLY_ATTACHMENT_MAX_BYTES`` (a campaign of hundreds of thousands of invitations) is
replaced by one holding only the summary; the email says the full export is in the admin."""

import logging
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaigns.audit import trail
from campaigns.models import Campaign
from reports import exports
from reports.export_jobs import export_file_name
from reports.models import WeeklyReport
from reports.report import campaign_report

WEEKLY_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
log = logging.getLogger("reports.weekly")


def week_of(day):
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def due_campaigns(now=None):
    """Live campaigns whose owner has an email address and has not had this week's report yet."""
    week = week_of(timezone.localdate(now))
    return (
        Campaign.objects.filter(status=Campaign.Status.LIVE, owner__isnull=False)
        .exclude(owner__email="")
        .exclude(weekly_reports__week=week)
        .select_related("owner")
        .order_by("pk")
    )


def _workbook(campaign, folder, max_bytes):
    """(bytes of the workbook, whether it is the full one)."""
    path = Path(folder) / "rapport.xlsx"
    identities = exports.may_see_identities(campaign.owner)
    exports.write_workbook(campaign, path, identities=identities)
    if path.stat().st_size <= max_bytes:
        return path.read_bytes(), True
    exports.write_workbook(campaign, path, names=(), identities=identities)
    return path.read_bytes(), False


def weekly_message(campaign, *, max_bytes=WEEKLY_ATTACHMENT_MAX_BYTES):
    """The weekly email of ``campaign`` to its owner, with the workbook attached."""
    report = campaign_report(campaign, text_limit=0)
    with tempfile.TemporaryDirectory() as folder:
        content, full = _workbook(campaign, folder, max_bytes)
    context = {
        "campaign": campaign,
        "report": report,
        "full": full,
        "report_url": settings.SITE_URL + reverse("reports:campaign", args=[campaign.pk]),
        "threshold": settings.PRIVACY_THRESHOLD,
    }
    subject = _("Rapport de la semaine : %(title)s") % {"title": campaign.title}
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("reports/email/weekly.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[campaign.owner.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("reports/email/weekly.html", context), "text/html")
    message.attach(export_file_name(campaign, "xlsx"), content, XLSX_TYPE)
    return message


def weekly_report_send(campaign, *, now=None, max_bytes=WEEKLY_ATTACHMENT_MAX_BYTES):
    """Send this week's report of ``campaign`` unless it already went; returns whether it was sent."""
    week = week_of(timezone.localdate(now))
    with translation.override(settings.LANGUAGE_CODE):
        message = weekly_message(campaign, max_bytes=max_bytes)
    try:
        with transaction.atomic():
            WeeklyReport.objects.create(campaign=campaign, week=week, recipient=campaign.owner.email)
            message.send()  # a failure rolls the record back: the next run tries again
            trail.audit_record(
                trail.REPORT_EXPORT, target=campaign, user=None, data={"format": "xlsx", "e-mail": "hebdo"}
            )
    except IntegrityError:
        return False
    return True


def weekly_reports_send(*, now=None):
    """Send the weekly report of every live campaign due one; a campaign that fails is logged and the others
    still get theirs. Returns {"sent": n, "failed": n}."""
    outcome = {"sent": 0, "failed": 0}
    for campaign in due_campaigns(now):
        try:
            sent = weekly_report_send(campaign, now=now)
        except Exception as exc:  # noqa: BLE001 - one campaign's failure must not stop the others
            outcome["failed"] += 1
            log.warning("weekly report failed", extra={"campaign": campaign.pk, "error": repr(exc)[:300]})
        else:
            outcome["sent"] += int(sent)
    return outcome
