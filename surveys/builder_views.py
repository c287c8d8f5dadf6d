"""The survey builder's own views: duplicate a survey, a page or a question (a confirmation, then a POST), and
add a question of the bank to a survey. Only who may change surveys (the product team) opens them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.snippets.views.snippets import CreateView

from campaigns.staff_admin import require_perms
from surveys import copies
from surveys.models import Question, Section, Survey

EDIT_PERMISSIONS = ("surveys.change_survey", "surveys.add_question", "surveys.change_question")


def builder_url(survey_id):
    return reverse("wagtailsnippets_surveys_survey:edit", args=[survey_id])


def duplicate(request, what, obj, make, back):
    """Ask, then (POST) copy ``obj`` with ``make`` and go to the builder of the survey that holds the copy."""
    if request.method == "POST":
        copy = make(obj)
        messages.success(request, _("« %(name)s » dupliqué.") % {"name": what})
        return redirect(builder_url(copy.pk if isinstance(copy, Survey) else copy.survey_id))
    return render(request, "surveys/admin/builder_duplicate.html", {"name": what, "back": back})


def survey_duplicate(request, pk):
    require_perms(request, "surveys.add_survey", *EDIT_PERMISSIONS)
    survey = get_object_or_404(Survey, pk=pk)
    return duplicate(
        request,
        survey.title_fr,
        survey,
        lambda obj: copies.survey_duplicate(survey=obj),
        reverse("wagtailsnippets_surveys_survey:list"),
    )


def page_duplicate(request, pk):
    require_perms(request, *EDIT_PERMISSIONS)
    section = get_object_or_404(Section, pk=pk)
    return duplicate(
        request,
        section.title_fr,
        section,
        lambda obj: copies.section_duplicate(section=obj),
        builder_url(section.survey_id),
    )


def question_duplicate(request, pk):
    require_perms(request, *EDIT_PERMISSIONS)
    question = get_object_or_404(Question, pk=pk)
    return duplicate(
        request,
        question.code,
        question,
        lambda obj: copies.question_duplicate(question=obj),
        builder_url(question.survey_id),
    )


def bank(request, pk):
    """The bank of reusable questions; a POST adds one (``question``) to the survey."""
    require_perms(request, *EDIT_PERMISSIONS)
    survey = get_object_or_404(Survey, pk=pk)
    if request.method == "POST":
        question = Question.objects.filter(in_bank=True, pk=request.POST.get("question") or 0).first()
        if question is None:
            messages.error(request, _("Choisissez une question de la banque."))
            return redirect("survey_builder:bank", pk)
        added = copies.bank_question_add(question=question, survey=survey)
        messages.success(request, _("Question « %(code)s » ajoutée à la dernière page.") % {"code": added.code})
        return redirect(builder_url(survey.pk))
    context = {"survey": survey, "questions": copies.bank_questions()[:200], "back": builder_url(survey.pk)}
    return render(request, "surveys/admin/builder_bank_list.html", context)


class SurveyCreateView(CreateView):
    """The builder of a new survey; ``?campaign=<pk>`` (the campaign form's link) attaches it to that campaign."""

    def get_initial(self):
        initial = super().get_initial()
        campaign = self.request.GET.get("campaign", "")
        if campaign.isdigit():
            initial["campaign"] = int(campaign)
        return initial
