"""Staff views of the ideas app that are not plain model listings (those are viewsets in wagtail_hooks): the
moderation queue and the moderator's decisions."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from campaigns.models import Campaign
from campaigns.staff_admin import require_perms
from ideas.board import board_of, similar_ideas
from ideas.models import Comment, Idea
from ideas.moderation import QUEUE_LIMIT, REASON_MAX_LENGTH, Decision, content_moderate, moderation_queue
from ideas.posting import comment_post
from ideas.questions import answer_ratings
from ideas.workflow import idea_merge, idea_status_change

QUEUE_PERMISSIONS = ("ideas.change_idea",)
TARGETS = {"idea": (Idea, "ideas.change_idea"), "comment": (Comment, "ideas.change_comment")}


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Décision"), choices=Decision.choices)
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=gettext_lazy("Obligatoire pour masquer ou refuser."),
    )


def _campaign_filter(request):
    value = request.GET.get("campaign") or request.POST.get("campaign") or ""
    return int(value) if value.isdigit() else None


def _queue_url(campaign_id):
    url = reverse("ideas_moderation:index")
    return f"{url}?campaign={campaign_id}" if campaign_id else url


def moderation_queue_view(request):
    """Pending ideas and comments, and reported published ones, oldest first, each with its decision form."""
    require_perms(request, *QUEUE_PERMISSIONS)
    campaign_id = _campaign_filter(request)
    campaigns = list(Campaign.objects.filter(board__isnull=False).only("pk", "title").order_by("-created_at", "-pk"))
    campaign = next((candidate for candidate in campaigns if candidate.pk == campaign_id), None)
    entries = moderation_queue(campaign)
    return render(
        request,
        "ideas/admin/moderation_queue.html",
        {
            "entries": entries,
            "campaigns": campaigns,
            "campaign": campaign,
            "limit": QUEUE_LIMIT,
            "truncated": len(entries) >= QUEUE_LIMIT,
            "decisions": Decision.choices,
            "reason_max_length": REASON_MAX_LENGTH,
            "can_moderate_comments": request.user.has_perm("ideas.change_comment"),
        },
    )


@require_POST
def moderate(request, kind, pk):
    """One decision on one idea or comment, then back to the queue (with the reason for a refusal)."""
    if kind not in TARGETS:
        raise Http404
    model, permission = TARGETS[kind]
    require_perms(request, *QUEUE_PERMISSIONS, permission)
    item = get_object_or_404(model, pk=pk)
    form = ModerationForm(request.POST)
    label = item.title if isinstance(item, Idea) else item.body[:60]
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, _("« %(item)s » : %(error)s") % {"item": label, "error": error})
    else:
        try:
            content_moderate(
                item=item, decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, _("« %(item)s » : %(error)s") % {"item": label, "error": error})
        else:
            done = {
                Decision.APPROVE: _("Contribution approuvée : « %(item)s »."),
                Decision.HIDE: _("Contribution masquée : « %(item)s »."),
                Decision.REJECT: _("Contribution refusée : « %(item)s »."),
            }[form.cleaned_data["decision"]]
            messages.success(request, done % {"item": label})
    return redirect(_queue_url(_campaign_filter(request)))


# --- an idea reviewed by the team: official answer and status, staff comment, merge --------------------------

REVIEW_PERMISSIONS = ("ideas.change_idea", "ideas.add_statuschange")


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=gettext_lazy("Nouveau statut"), choices=Idea.Status.choices)
    answer_fr = forms.CharField(
        label=gettext_lazy("Réponse officielle (français)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    answer_en = forms.CharField(
        label=gettext_lazy("Réponse officielle (anglais)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class StaffCommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Commentaire de l'équipe"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MergeForm(forms.Form):
    target = forms.IntegerField(label=gettext_lazy("Fusionner dans l'idée n°"), min_value=1)


def _status_change(request, idea, data):
    idea_status_change(idea=idea, by=request.user, **data)
    messages.success(request, _("Statut changé : l'auteur et les votants vont être prévenus par e-mail."))
    return redirect("ideas_review:idea", idea.pk)


def _staff_comment(request, idea, data):
    comment_post(board=board_of(idea.campaign), idea=idea, user=request.user, body=data["body"])
    messages.success(request, _("Commentaire de l'équipe publié."))
    return redirect("ideas_review:idea", idea.pk)


def _merge(request, idea, data):
    target = Idea.objects.filter(pk=data["target"]).select_related("merged_into").first()
    if target is None:
        raise ValidationError({"target": _("Aucune idée ne porte ce numéro.")})
    idea_merge(source=idea, target=target, by=request.user)
    messages.success(
        request, _("Idée fusionnée : ses votes et commentaires ont rejoint « %(title)s ».") % {"title": target.title}
    )
    return redirect("ideas_review:idea", target.pk)


# action: (its form, what it does with the form's data and where it then leads)
REVIEW_ACTIONS = {
    "status": (StatusForm, _status_change),
    "comment": (StaffCommentForm, _staff_comment),
    "merge": (MergeForm, _merge),
}


def idea_review(request, pk):
    """The team's page for one idea: its history, likely duplicates, and the forms to answer, comment and merge.
    A POST names its ``action``; the form of that action is bound, the others are empty."""
    require_perms(request, *REVIEW_PERMISSIONS)
    idea = get_object_or_404(Idea.objects.select_related("campaign", "author", "merged_into"), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {name: form(request.POST if name == action else None) for name, (form, _do) in REVIEW_ACTIONS.items()}
    form = forms.get(action)
    if form is not None and form.is_valid():
        try:
            return REVIEW_ACTIONS[action][1](request, idea, form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
    duplicates = [other for other in similar_ideas(idea.campaign, idea.title) if other.pk != idea.pk]
    return render(
        request,
        "ideas/admin/idea_review.html",
        {
            "idea": idea,
            "history": idea.status_changes.select_related("changed_by"),
            "duplicates": duplicates,
            "status_form": forms["status"],
            "comment_form": forms["comment"],
            "merge_form": forms["merge"],
            "ratings": answer_ratings(idea) if idea.kind == Idea.Kind.ASK else None,
            "public_url": reverse("ideas:idea", args=[idea.campaign.slug, idea.pk]),
        },
        status=400 if action and request.method == "POST" else 200,
    )
