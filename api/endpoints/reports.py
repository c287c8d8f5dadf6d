"""Aggregate figures and survey results through the same privacy layer as the report pages, and export jobs."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from api.auth import require
from api.schemas import ErrorOut, ExportIn, ExportOut, FiguresOut, QuestionOut, ThemesOut
from campaigns.audit import trail
from campaigns.models import Campaign
from reports import rates
from reports.export_jobs import export_start
from reports.exports.catalogue import may_see_identities, tables
from reports.listening.campaign_listening import campaign_listening
from reports.models import ExportJob
from reports.report import campaign_survey
from reports.survey_stats import survey_results

router = Router(tags=["rapports"])
VIEW = "reports.view_report"
EXPORT = (VIEW, "reports.add_exportjob")


@router.get("/campaigns/{campaign_id}/figures", response={200: FiguresOut, 403: ErrorOut, 404: ErrorOut})
def figures(request, campaign_id: int):
    """The campaign's funnel (invited, sent, delivered, opened, clicked, answered...) and its rates, protected as
    on the report page: a count under k is null, and so is any count that would give it back."""
    require(request, VIEW)
    funnel = rates.funnel(get_object_or_404(Campaign, pk=campaign_id))
    return {"campaign": campaign_id, "counts": funnel.counts, "rates": funnel.rates}


@router.get("/campaigns/{campaign_id}/survey-results", response={200: list[QuestionOut], 403: ErrorOut, 404: ErrorOut})
def survey_results_list(request, campaign_id: int):
    """Each question's results as on the report page (no free text): distribution, statistics, NPS; a question
    answered by fewer than k ambassadors is withheld whole."""
    require(request, VIEW)
    survey = campaign_survey(get_object_or_404(Campaign, pk=campaign_id))
    if survey is None:
        raise HttpError(404, _("Cette campagne n'a pas de questionnaire."))
    return [question_out(result) for result in survey_results(survey, text_limit=0)]


@router.get("/campaigns/{campaign_id}/themes", response={200: ThemesOut, 403: ErrorOut, 404: ErrorOut})
def themes(request, campaign_id: int):
    """What the campaign's ambassadors wrote (free-text answers, ideas, comments), as on the report page: sentiment,
    themes with the pain points first, their weekly trend and scrubbed quotes; only themes of at least k authors,
    a count under k null."""
    require(request, VIEW)
    listening = campaign_listening(get_object_or_404(Campaign, pk=campaign_id))
    if listening is None:
        return {"campaign": campaign_id, "texts": 0, "sentiments": {}, "sources": {}, "themes": [], "hidden_themes": 0}
    return {
        "campaign": campaign_id,
        "texts": listening.texts,
        "sentiments": listening.sentiments,
        "sources": listening.sources,
        "themes": [theme_out(theme) for theme in listening.themes],
        "hidden_themes": listening.hidden_themes,
    }


def theme_out(theme):
    return {
        **{name: getattr(theme, name) for name in ("rank", "name", "terms", "authors", "score", "negative_share")},
        "weeks": [{"week": week, "authors": authors} for week, authors in theme.weeks],
        "quotes": theme.quotes,
    }


def question_out(result):
    return {
        "id": result.question.pk,
        "text": str(result.question),
        "kind": result.kind,
        "respondents": result.respondents,
        "suppressed": result.suppressed,
        "distribution": [vars(cell) if hasattr(cell, "__dict__") else cell for cell in result.distribution],
        "mean": result.mean,
        "median": result.median,
        "nps": result.nps,
        "top_two_box": result.top_two_box,
    }


def job_out(job):
    return {
        "id": job.pk,
        "campaign": job.campaign_id,
        **{name: getattr(job, name) for name in ("format", "table", "status", "rows_done", "rows_total")},
        **{name: getattr(job, name) for name in ("created_at", "finished_at", "error")},
    }


@router.post("/campaigns/{campaign_id}/exports", response={202: ExportOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def export_create(request, campaign_id: int, payload: ExportIn):
    """Start an export of the campaign's report (the workbook, or one table as CSV), written by the task queue;
    its file holds identities only when the key's role may read them."""
    require(request, *EXPORT)
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    if payload.format == "csv":
        names = ["summary", *tables(campaign, identities=may_see_identities(request.auth.user))]
        if payload.table not in names:
            raise HttpError(400, _("Tableau inconnu : choisissez parmi %(names)s.") % {"names": ", ".join(names)})
    job = export_start(campaign=campaign, user=request.auth.user, fmt=payload.format, table=payload.table)
    return Status(202, job_out(job))


def _own_job(request, job_id):
    """The key's own export job: another client's (or a staff member's) is answered 404, as if it did not exist."""
    return get_object_or_404(ExportJob, pk=job_id, created_by=request.auth.user)


@router.get("/exports/{job_id}", response={200: ExportOut, 403: ErrorOut, 404: ErrorOut})
def export_status(request, job_id: int):
    require(request, *EXPORT)
    return job_out(_own_job(request, job_id))


@router.get("/exports/{job_id}/file", response={403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def export_file(request, job_id: int):
    """The finished export's file."""
    require(request, *EXPORT)
    job = _own_job(request, job_id)
    if job.status != ExportJob.Status.DONE:
        raise HttpError(409, _("L'export n'est pas prêt (état : %(status)s).") % {"status": job.status})
    try:
        handle = open(job.file_path, "rb")  # noqa: SIM115 - FileResponse closes it
    except OSError:
        raise HttpError(404, _("Le fichier de cet export n'existe plus.")) from None
    trail.audit_record(trail.REPORT_EXPORT, target=job.campaign, user=request.auth.user, data={"export": job.pk})
    return FileResponse(handle, as_attachment=True, filename=job.file_name)
