"""Staff views of the surveys app that are not plain model listings (those are viewsets in wagtail_hooks)."""

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from campaigns.staff_admin import require_perms
from surveys import files
from surveys.answering import page_form, survey_plan
from surveys.forms import LimeSurveyImportForm
from surveys.limesurvey import LimeSurveyError, survey_import
from surveys.logic.glance import survey_logic
from surveys.models import Survey
from surveys.types.file_upload import shown_name
from surveys.views import page_items

IMPORT_PERMISSIONS = ("surveys.add_survey", "surveys.add_question")
# The files ambassadors sent are theirs: only staff who may see the ambassadors and their responses (the product
# team) list and download them; analysts see how many answered, in the report, and nothing more.
FILE_PERMISSIONS = ("surveys.view_response", "campaigns.view_ambassador")


def limesurvey_import(request):
    require_perms(request, *IMPORT_PERMISSIONS)
    form = LimeSurveyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey, _report = survey_import(form.cleaned_data["file"], campaign=form.cleaned_data["campaign"])
        except LimeSurveyError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Questionnaire « %(title)s » importé.") % {"title": survey.title_fr})
            return redirect("limesurvey_import:report", survey.pk)
    recent = Survey.objects.filter(source__startswith="LimeSurvey").select_related("campaign")[:10]
    return render(request, "surveys/admin/limesurvey_import.html", {"form": form, "recent": recent})


def limesurvey_import_report(request, pk):
    require_perms(request, *IMPORT_PERMISSIONS)
    survey = get_object_or_404(
        Survey.objects.select_related("campaign").annotate(
            section_count=Count("sections", distinct=True), question_count=Count("questions", distinct=True)
        ),
        pk=pk,
    )
    report = survey.import_report or {}
    return render(
        request,
        "surveys/admin/limesurvey_report.html",
        {
            "survey": survey,
            "report": report,
            "mapped": report.get("mapped", []),
            "not_mapped": report.get("not_mapped", []),
            "languages": report.get("languages", []),
            "counts": report.get("counts", {}),
            "edit_url": reverse("wagtailsnippets_surveys_survey:edit", args=[survey.pk]),
        },
    )


def survey_preview(request, pk, number):
    """A page of the survey as an ambassador sees it (``?langue=en`` for English), every page shown whatever
    the conditions, without saving anything."""
    require_perms(request, "surveys.view_survey")
    survey = get_object_or_404(Survey.objects.select_related("campaign"), pk=pk)
    locale = "en" if request.GET.get("langue") == "en" else "fr"
    plan = survey_plan(survey)
    if not 1 <= number <= len(plan.sections):
        raise Http404
    section = plan.sections[number - 1]
    with translation.override(locale):
        form = page_form(plan, section, invitation_id=0, locale=locale, every_question=True)
        items = page_items(plan, section, form, every_question=True)
        piper = plan.piper(locale, preview=True)
        section_title, section_intro = piper(section.title(locale)), piper(section.intro(locale))
        return render(
            request,
            "surveys/survey_page.html",
            {
                "survey": survey,
                "section": section,
                "form": form,
                "number": number,
                "count": len(plan.sections),
                "last": number == len(plan.sections),
                "campaign": survey.campaign,
                "locale": locale,
                "items": items,
                "preview": True,
                "section_title": section_title,
                "section_intro": section_intro,
                "piping_warnings": piper.warnings,
                "previous_url": _preview_url(pk, number - 1, locale) if number > 1 else "",
                "next_url": _preview_url(pk, number + 1, locale) if number < len(plan.sections) else "",
            },
        )


def _preview_url(pk, number, locale):
    return f"{reverse('survey_preview:page', args=[pk, number])}?langue={locale}"


def survey_logic_glance(request, pk):
    """The survey's logic at a glance: what depends on what, and the warnings (``surveys.logic.glance``)."""
    require_perms(request, "surveys.view_survey")
    survey = get_object_or_404(Survey, pk=pk)
    return render(request, "surveys/admin/logic_glance.html", {"survey": survey, "glance": survey_logic(survey)})


def survey_files(request, pk):
    """The files sent for a survey, each with its download link."""
    require_perms(request, *FILE_PERMISSIONS)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    survey = get_object_or_404(Survey, pk=pk)
    answers = list(files.survey_files(survey)[:500])
    for answer in answers:
        answer.file_name = shown_name(answer.text)
    return render(request, "surveys/admin/survey_files.html", {"survey": survey, "answers": answers})


def survey_file(request, pk):
    """One file sent, as an attachment (never shown inline, whatever it holds)."""
    require_perms(request, *FILE_PERMISSIONS)
    answer = files.file_answer(pk)
    if answer is None:
        raise Http404
    try:
        opened = files.file_open(answer)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        opened, as_attachment=True, filename=files.download_name(answer), content_type="application/octet-stream"
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
