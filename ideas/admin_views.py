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
from ideas.models import Comment, Idea
from ideas.moderation import QUEUE_LIMIT, REASON_MAX_LENGTH, Decision, content_moderate, moderation_queue

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


def idea_review(request, pk):
    """The team's page for one idea: its history, likely duplicates, and the forms to answer, comment and merge."""
    from ideas.board import similar_ideas
    from ideas.posting import comment_post
    from ideas.workflow import idea_merge, idea_status_change

    require_perms(request, *REVIEW_PERMISSIONS)
    idea = get_object_or_404(Idea.objects.select_related("campaign", "author", "merged_into"), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    status_form = StatusForm(request.POST if action == "status" else None)
    comment_form = StaffCommentForm(request.POST if action == "comment" else None)
    merge_form = MergeForm(request.POST if action == "merge" else None)
    try:
        if action == "status" and status_form.is_valid():
            idea_status_change(idea=idea, by=request.user, **status_form.cleaned_data)
            messages.success(request, _("Statut changé : l'auteur et les votants vont être prévenus par e-mail."))
            return redirect("ideas_review:idea", pk)
        if action == "comment" and comment_form.is_valid():
            board = idea.campaign.board
            comment_post(board=board, idea=idea, user=request.user, body=comment_form.cleaned_data["body"])
            messages.success(request, _("Commentaire de l'équipe publié."))
            return redirect("ideas_review:idea", pk)
        if action == "merge" and merge_form.is_valid():
            target = Idea.objects.filter(pk=merge_form.cleaned_data["target"]).select_related("merged_into").first()
            if target is None:
                merge_form.add_error("target", _("Aucune idée ne porte ce numéro."))
            else:
                idea_merge(source=idea, target=target, by=request.user)
                messages.success(
                    request,
                    _("Idée fusionnée : ses votes et commentaires ont rejoint « %(title)s ».")
                    % {"title": target.title},
                )
                return redirect("ideas_review:idea", target.pk)
    except ValidationError as error:
        form = {"status": status_form, "merge": merge_form}.get(action, comment_form)
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
            "status_form": status_form,
            "comment_form": comment_form,
            "merge_form": merge_form,
            "public_url": reverse("ideas:idea", args=[idea.campaign.slug, idea.pk]),
        },
        status=400 if action and request.method == "POST" else 200,
    )
