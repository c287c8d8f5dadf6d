"""Answering a survey, for the ambassador identified by the visit their personal link started (no account).
A page is a GET and a POST to the same address; the work is in ``surveys.answering``."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.locales import invitation_language
from campaigns.tracking import visiting_invitation
from surveys.answering import (
    page_form,
    page_save,
    response_lock,
    response_of,
    response_read,
    response_submit,
    survey_plan,
)
from surveys.models import localized
from surveys.types import question_type


def _visit(request, slug):
    """(invitation, survey) of the visiting ambassador for the campaign ``slug``, or (None, None)."""
    invitation = visiting_invitation(request, related=("campaign__survey",))  # one query for the three
    if invitation is None or invitation.campaign.slug != slug:
        return None, None
    survey = getattr(invitation.campaign, "survey", None)
    if survey is None:
        return None, None
    return invitation, survey


def _no_visit(request):
    return render(request, "surveys/no_visit.html", status=403)


def _page_url(slug, number):
    return reverse("surveys:page", args=[slug, number])


@require_GET
@never_cache
def survey_start(request, slug):
    """Where the personal link's "answer" leads: the page to resume at, shown at once (a redirect to it would cost
    the visitor a second request, the visit read again), or the thanks of a submitted response. The page's form
    posts to the page's own address, as when it is reached by its number."""
    invitation, survey = _visit(request, slug)
    if invitation is None:
        return _no_visit(request)
    response, answers = response_read(invitation)
    if response and response.submitted_at:
        return redirect("surveys:thanks", slug)
    number = response.resume_page if response else 1
    return _page_show(request, invitation, survey, number, (response, answers), start=True)


@require_http_methods(["GET", "POST"])
@never_cache
def survey_page(request, slug, number):
    invitation, survey = _visit(request, slug)
    if invitation is None:
        return _no_visit(request)
    if request.method != "POST":
        return _page_show(request, invitation, survey, number, response_read(invitation))
    with translation.override(invitation_language(invitation)), transaction.atomic():
        # a POST reads the response once, locked until the page is saved (and the response submitted)
        response = response_lock(invitation)
        plan = survey_plan(survey, response, ambassador=invitation.ambassador)  # its answers read once locked
        sections = plan.visible_sections()
        if not sections:
            raise Http404
        if not 1 <= number <= len(sections):
            return redirect(_page_url(slug, max(1, min(number, len(sections)))))
        return _page_post(request, invitation, plan, number, response)


def _page_show(request, invitation, survey, number, read, start=False):
    """Page ``number`` of the survey for the visitor, filled with their saved answers (``read``: the response and
    its answers, ``response_read``); a number out of range leads to the nearest page (shown at once from the
    survey's start, which has no number of its own)."""
    locale = invitation_language(invitation)
    response, answers = read
    with translation.override(locale):
        plan = survey_plan(survey, response, ambassador=invitation.ambassador, answers=answers)
        sections = plan.visible_sections()
        if not sections:
            raise Http404
        nearest = max(1, min(number, len(sections)))
        if nearest != number and not start:
            return redirect(_page_url(invitation.campaign.slug, nearest))
        section = sections[nearest - 1]
        form = page_form(plan, section, invitation_id=invitation.pk, locale=locale)
        action = _page_url(invitation.campaign.slug, nearest) if start else ""
        return _render_page(request, plan, section, form, nearest, len(sections), response, action=action)


def _page_post(request, invitation, plan, number, response):
    """Save the page (checked fully when going forward), then go where the button asked: back, later (this
    page), the next page, or, from the last page, submit. "refresh" saves nothing: the page shows again with
    what its entries make visible (conditions and piping reading answers of the same page)."""
    slug, locale = invitation.campaign.slug, invitation_language(invitation)
    sections = plan.visible_sections()
    section = sections[number - 1]
    plan.take_entries(section, request.POST, invitation_id=invitation.pk, locale=locale, files=request.FILES)
    count = len(plan.visible_sections())
    action = request.POST.get("action", "next")
    if action == "refresh":
        form = page_form(plan, section, invitation_id=invitation.pk, locale=locale, entries=request.POST)
        return _render_page(request, plan, section, form, number, count, response)
    strict = action == "next"
    form = page_form(
        plan, section, invitation_id=invitation.pk, locale=locale, data=request.POST, files=request.FILES, strict=strict
    )
    if strict and not form.is_valid():
        return _render_page(request, plan, section, form, number, count, response, status=400)
    resume = number if action != "next" else min(number + 1, count)
    submit = strict and number >= count  # the last page: its save and the submission write the response once
    response = page_save(invitation=invitation, plan=plan, section=section, form=form, locale=locale,
                         resume_page=resume, strict=strict, response=response, locked=True,
                         touch=not submit)  # fmt: skip
    if action == "back":
        return redirect(_page_url(slug, max(1, number - 1)))
    if action == "later":
        messages.success(
            request,
            _("Vos réponses sont enregistrées. Reprenez quand vous voulez avec le lien de votre e-mail d'invitation."),
        )
        return redirect(_page_url(slug, number))
    if number < count:
        return redirect(_page_url(slug, number + 1))
    touch = {"locale": locale, "resume_page": resume}
    missing = response_submit(invitation=invitation, plan=plan, response=response, touch=touch)
    if missing:
        messages.error(request, _("Il manque des réponses obligatoires sur cette page."))
        return redirect(_page_url(slug, plan.visible_sections().index(missing[0][0]) + 1))
    return redirect("surveys:thanks", slug)


def _render_page(request, plan, section, form, number, count, response, status=200, action=""):
    piper = plan.piper(form.locale)
    return render(
        request,
        "surveys/survey_page.html",
        {
            "survey": plan.survey,
            "section": section,
            "form": form,
            "number": number,
            "count": count,
            "last": number == count,
            "campaign": plan.survey.campaign,
            "locale": translation.get_language(),
            "items": page_items(plan, section, form),
            "submitted": bool(response and response.submitted_at),
            "section_title": piper(section.title(form.locale)),
            "section_intro": piper(section.intro(form.locale)),
            "refreshes": plan.page_refreshes(section),
            "action": action,  # where the form posts, when not to the address shown (the survey's start)
        },
        status=status,
    )


def page_items(plan, section, form, every_question=False):
    """What the page template walks through: each visible question with its bound fields, its errors, how its
    type lays it out (one input with a label, or a fieldset), the type's notes around its fields, and its text
    and help piped (``surveys.logic.piping``)."""
    piper = plan.piper(form.locale, preview=every_question)
    items = []
    for question in section.questions.all() if every_question else plan.visible_questions(section):
        names = form.fields_of.get(question.pk, ())
        errors = form.question_errors(question) if form.is_bound else []
        for name in names:
            attrs = form.fields[name].widget.attrs
            described = [attrs["aria-describedby"]] if attrs.get("aria-describedby") else []
            if errors:
                attrs["aria-invalid"] = "true"
                described += [f"q{question.pk}-error-{index}" for index in range(1, len(errors) + 1)]
            if described:
                attrs["aria-describedby"] = " ".join(described)
        kind = question_type(question.kind)
        items.append(
            {
                "question": question,
                "text": piper(question.text(form.locale)),
                "help": piper(question.help(form.locale)),
                "fields": [form[name] for name in names],
                "errors": errors,
                "grouped": not kind.single_input(question),
                "layout": kind.layout,
                "before": kind.before(question),
                "after": kind.after(question),
            }
        )
    return items


@require_GET
@never_cache
def survey_thanks(request, slug):
    invitation, survey = _visit(request, slug)
    if invitation is None:
        return _no_visit(request)
    with translation.override(invitation_language(invitation)):
        response = response_of(invitation)
        if response is None or response.submitted_at is None:
            return redirect("surveys:start", slug)
        return render(
            request,
            "surveys/thanks.html",
            {
                "survey": survey,
                "campaign": invitation.campaign,
                "response": response,
                "message": localized(survey, "thank_you"),
            },
        )
