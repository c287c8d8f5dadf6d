"""Questions to the team, on a page of the board: ask, vote, read the team's answers and rate them. A view parses
the request, calls one function of ``ideas.questions`` or ``ideas.voting``, and goes back to the page."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.tracking.throttle import hit
from ideas import board as reads
from ideas.models import Idea, StatusChange
from ideas.questions import answer_rate, question_ask, questions_for
from ideas.views import Visit, _acting, _refused, _seen_or_404
from ideas.voting import vote_cast, vote_withdraw


@require_http_methods(["GET", "POST"])
@never_cache
def questions_view(request, slug):
    visit = Visit(request, slug)
    if not visit.allowed:
        return _refused(request)
    with translation.override(visit.locale):
        if request.method == "POST":
            if visit.ambassador is None:
                return _refused(request)
            try:
                question_ask(
                    board=visit.board,
                    ambassador=visit.ambassador,
                    title=request.POST.get("title", "")[:140],
                    body=request.POST.get("body", "")[:2000],
                    invitation=visit.invitation,
                )
                messages.success(request, _("Votre question est envoyée à l'équipe."))
            except ValidationError as error:
                messages.error(request, error.messages[0])
            return redirect("ideas:questions", slug)
        questions = questions_for(visit.campaign, visit.ambassador)
        return render(request, "ideas/questions.html", visit.context(questions=questions))


@require_POST
def question_vote(request, slug, pk):
    visit = _acting(request, slug)
    if visit is None:
        return _refused(request)
    question = _seen_or_404(reads.idea_seen(visit.campaign, pk, visit.ambassador))
    if question.kind != Idea.Kind.ASK:
        return _seen_or_404(None)
    with translation.override(visit.locale):
        if hit(f"votes:{visit.ambassador.pk}") > settings.VOTES_PER_MINUTE:
            messages.error(request, _("Trop de votes en peu de temps : réessayez dans une minute."))
            return redirect("ideas:questions", slug)
        try:
            if request.POST.get("action") == "withdraw":
                vote_withdraw(idea=question, ambassador=visit.ambassador)
                messages.success(request, _("Votre vote pour « %(title)s » est retiré.") % {"title": question.title})
            else:
                vote_cast(idea=question, ambassador=visit.ambassador, invitation=visit.invitation)
                messages.success(request, _("Votre vote pour « %(title)s » est compté.") % {"title": question.title})
        except ValidationError as error:
            messages.error(request, error.messages[0])
    return redirect("ideas:questions", slug)


@require_POST
def answer_rating(request, slug, pk):
    visit = _acting(request, slug)
    if visit is None:
        return _refused(request)
    change = get_object_or_404(
        StatusChange.objects.select_related("idea"), pk=pk, idea__campaign=visit.campaign, idea__kind=Idea.Kind.ASK
    )
    with translation.override(visit.locale):
        try:
            answer_rate(
                change=change,
                ambassador=visit.ambassador,
                useful=request.POST.get("useful") == "1",
                comment=request.POST.get("comment", ""),
            )
            messages.success(request, _("Merci pour votre avis."))
        except ValidationError as error:
            messages.error(request, error.messages[0])
    return redirect("ideas:questions", slug)
