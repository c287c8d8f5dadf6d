"""Reports in the Wagtail admin: the campaigns, a campaign's report with its charts, CSV downloads streamed, and
workbook exports run by django-q2. Every view needs ``reports.view_report`` (product team, analysts)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from campaigns import privacy
from campaigns.audit import trail
from campaigns.models import Campaign
from campaigns.privacy.funnel import withheld_label
from campaigns.staff_admin import require_perms
from reports import exports
from reports.engagement import engagement_report
from reports.export_jobs import export_file_name, export_start
from reports.listening.campaign_listening import campaign_listening
from reports.models import ExportJob
from reports.question_stats import answers_by_rating, questions_by_votes
from reports.report_cache import cached_chart, cached_report
from reports.survey_stats import CROSS_TAB_KINDS, cross_tab, cross_tab_dimensions

VIEW = "reports.view_report"
EXPORT = ("reports.view_report", "reports.add_exportjob")


def report_index(request):
    require_perms(request, VIEW)
    page = Paginator(
        Campaign.objects.exclude(status=Campaign.Status.DRAFT)
        .order_by("-created_at", "-pk")
        .only("pk", "title", "status", "kind", "launched_at", "closes_at"),
        50,
    ).get_page(request.GET.get("p"))
    return render(request, "reports/admin/index.html", {"page": page})


def engagement_report_view(request):
    require_perms(request, VIEW)
    context = {"report": engagement_report(), "withheld": withheld_label(), "k": privacy.threshold()}
    return render(request, "reports/admin/engagement.html", context)


def campaign_report_view(request, pk):
    require_perms(request, VIEW)
    campaign = get_object_or_404(Campaign, pk=pk)
    cached = cached_report(campaign)
    report = cached.report
    crossed = None
    question_id, by = request.GET.get("question", ""), request.GET.get("by", "")
    if question_id.isdigit():
        chosen = next((result.question for result in report.questions if result.question.pk == int(question_id)), None)
        if chosen is not None:
            crossed = cross_tab(chosen, by)
    charts = ["funnel", "rates", "timeline"]
    listening = campaign_listening(campaign)
    identities = exports.may_see_identities(request.user)
    return render(
        request,
        "reports/admin/report.html",
        {
            "campaign": campaign,
            "report": report,
            "computed_at": cached.computed_at,
            "crossed": crossed,
            "charts": charts,
            "dimensions": cross_tab_dimensions(),
            "cross_tab_kinds": CROSS_TAB_KINDS,
            "selected_question": question_id,
            "selected_by": by,
            "tables": list(exports.tables(campaign, identities=identities, listening=listening)),
            "jobs": readable_jobs(request.user).filter(campaign=campaign).select_related("created_by")[:5],
            "questions": questions_by_votes(campaign) if report.has_board else [],
            "answers": answers_by_rating(campaign) if report.has_board else [],
            "can_export": request.user.has_perms(EXPORT),
            "threshold": settings.PRIVACY_THRESHOLD,
            "listening": listening,
        },
    )


def chart_png(request, pk, name):
    require_perms(request, VIEW)
    campaign = get_object_or_404(Campaign, pk=pk)
    png = cached_chart(campaign, name)
    if png is None:
        raise Http404
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = f"private, max-age={settings.REPORT_CACHE_SECONDS}"
    return response


def question_chart_png(request, pk, question_pk):
    return chart_png(request, pk, f"question-{question_pk}")


def csv_download(request, pk, table):
    """A table of the campaign as CSV, streamed as it is read."""
    require_perms(request, VIEW)
    campaign = get_object_or_404(Campaign, pk=pk)
    found = exports.table(campaign, table, identities=exports.may_see_identities(request.user))
    if found is None:
        raise Http404
    trail.audit_record(trail.REPORT_EXPORT, target=campaign, data={"format": "csv", "table": table})
    response = StreamingHttpResponse(exports.csv_lines(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_file_name(campaign, "csv", table)}"'
    return response


@require_POST
def export_create(request, pk):
    require_perms(request, *EXPORT)
    campaign = get_object_or_404(Campaign, pk=pk)
    job = export_start(campaign=campaign, user=request.user, fmt=ExportJob.Format.XLSX, language=get_language())
    return redirect("reports:export", job.pk)


def readable_jobs(user):
    """The exports ``user`` may open: all of them for who may see ambassadors; for the others (analysts), only
    their own, since another's file may name ambassadors (``exports.may_see_identities`` of its author)."""
    if exports.may_see_identities(user):
        return ExportJob.objects.all()
    return ExportJob.objects.filter(created_by=user)


def _readable_job(request, job_pk, **filters):
    require_perms(request, VIEW)
    job = get_object_or_404(ExportJob.objects.select_related("campaign", "created_by"), pk=job_pk, **filters)
    if job.created_by_id != request.user.pk and not exports.may_see_identities(request.user):
        raise PermissionDenied
    return job


def export_detail(request, job_pk):
    job = _readable_job(request, job_pk)
    return render(request, "reports/admin/export.html", {"job": job, "refresh": not job.is_finished})


def export_download(request, job_pk):
    job = _readable_job(request, job_pk, status=ExportJob.Status.DONE)
    try:
        handle = open(job.file_path, "rb")  # noqa: SIM115 - FileResponse closes it
    except OSError:
        raise Http404 from None
    trail.audit_record(trail.REPORT_EXPORT, target=job.campaign, data={"format": job.format, "export": job.pk})
    return FileResponse(handle, as_attachment=True, filename=job.file_name)
