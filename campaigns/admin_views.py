"""Staff views of the campaigns app that are not plain model listings (those are viewsets in wagtail_hooks)."""

import json
from email.header import decode_header, make_header

from django.contrib import messages
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import segments
from campaigns.delivery import LaunchError, campaign_close, campaign_launch, launch_problems
from campaigns.emails import build_message
from campaigns.forms import AmbassadorImportForm, TestSendForm
from campaigns.health import cluster_ok
from campaigns.import_jobs import import_start
from campaigns.models import Ambassador, AmbassadorImport, Campaign, OutboxMessage, Segment
from campaigns.outbox import message_parts
from campaigns.personal_data import ambassador_erase, ambassador_export
from campaigns.progress import campaign_progress
from campaigns.segments import members_of_segments

SAMPLE_TOKEN = "0" * 64  # test emails carry a link that opens no invitation

IMPORT_PERMISSIONS = ("campaigns.add_ambassadorimport", "campaigns.add_ambassador")


def require_perms(request, *permissions):
    """Refuse (403) a staff view to whoever lacks one of ``permissions``."""
    if not request.user.has_perms(permissions):
        raise PermissionDenied


def ambassador_import(request):
    require_perms(request, *IMPORT_PERMISSIONS)
    form = AmbassadorImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["update_existing"]:
            require_perms(request, "campaigns.change_ambassador")
        job = import_start(
            upload=form.cleaned_data["file"],
            user=request.user,
            update_existing=form.cleaned_data["update_existing"],
            keep_valid=form.cleaned_data["keep_valid"],
            dry_run=form.cleaned_data["dry_run"],
            segment=form.cleaned_data["segment"],
            language=get_language(),
        )
        return redirect("ambassador_import:detail", job.pk)
    recent = AmbassadorImport.objects.select_related("created_by")[:10]
    return render(request, "campaigns/import_form.html", {"form": form, "recent": recent})


def ambassador_import_detail(request, pk):
    require_perms(request, *IMPORT_PERMISSIONS)
    job = get_object_or_404(AmbassadorImport, pk=pk)
    return render(request, "campaigns/import_detail.html", {"job": job})


def rules_from_post(data, prefix="rules"):
    """The rules of a segment form as posted (Wagtail's inline panel), deleted ones left out."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    rules = []
    for index in range(min(total, 200)):
        if data.get(f"{prefix}-{index}-DELETE") in {"1", "on", "true"}:
            continue
        attribute = data.get(f"{prefix}-{index}-attribute", "")
        if attribute:
            rules.append(segments.Rule(attribute, data.get(f"{prefix}-{index}-value", "")))
    return rules


@require_POST
def segment_size(request):
    """Members of the segment being edited, counted by one query: the admin form shows it live."""
    require_perms(request, "campaigns.view_segment")
    kind = request.POST.get("kind", Segment.Kind.RULES)
    match = request.POST.get("match", Segment.Match.ALL)
    segment_id = request.POST.get("segment_id") or None
    if segment_id is not None and not segment_id.isdigit():
        segment_id = None
    try:
        count = segments.count_members(kind, match, rules_from_post(request.POST), segment_id)
    except ValidationError as exc:
        return JsonResponse({"count": None, "error": " ".join(exc.messages)})
    return JsonResponse(
        {
            "count": count,
            "label": _("%(count)s ambassadeurs contactables") % {"count": f"{count:,}".replace(",", "\u202f")},
        }
    )


# --- campaigns ---------------------------------------------------------------------------------------------


def campaign_overview(request, pk):
    """Where a campaign is: its figures (refreshing while it sends), what can be done next, its email."""
    require_perms(request, "campaigns.view_campaign")
    campaign = get_object_or_404(Campaign.objects.prefetch_related("segments", "reminders"), pk=pk)
    figures = campaign_progress(campaign)
    return render(
        request,
        "campaigns/admin/campaign_overview.html",
        {
            "campaign": campaign,
            "figures": figures,
            "problems": launch_problems(campaign) if not campaign.audience_locked else [],
            "can_change": request.user.has_perm("campaigns.change_campaign"),
            "refresh": campaign.status == Campaign.Status.LIVE and figures["waiting"] > 0,
            "stalled": figures["waiting"] > 0 and not cluster_ok(),
            "test_form": TestSendForm(),
            "audience_size": members_of_segments(campaign.segments.all()).count(),
        },
    )


def campaign_preview(request, pk, locale):
    """The invitation email as one ambassador of that language will see it (HTML, shown in a sandboxed frame)."""
    require_perms(request, "campaigns.view_campaign")
    campaign = get_object_or_404(Campaign, pk=pk)
    message = _sample_message(campaign, request.user, locale)
    html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")
    return render(
        request,
        "campaigns/admin/campaign_preview.html",
        {
            "campaign": campaign,
            "message": message,
            "html": html,
            "language": locale,
            "subject": str(make_header(decode_header(message.subject))),
        },
    )


def _sample_message(campaign, user, locale):
    sample = Ambassador(
        email=user.email or "test@localhost", first_name=user.first_name or user.get_username(), locale=locale
    )
    return build_message(
        source=campaign, campaign=campaign, ambassador=sample, token=SAMPLE_TOKEN, subject_prefix=_("[TEST] ")
    )


@require_POST
def campaign_test_send(request, pk):
    require_perms(request, "campaigns.change_campaign")
    campaign = get_object_or_404(Campaign, pk=pk)
    form = TestSendForm(request.POST)
    if not request.user.email:
        messages.error(request, _("Votre compte n'a pas d'adresse e-mail : renseignez-la dans votre profil."))
    elif form.is_valid():
        try:
            mail.get_connection().send_messages([_sample_message(campaign, request.user, form.cleaned_data["locale"])])
        except Exception as exc:  # noqa: BLE001 - shown to the person who asked
            messages.error(request, _("L'e-mail de test n'est pas parti : %(error)s") % {"error": exc})
        else:
            messages.success(request, _("E-mail de test envoyé à %(email)s.") % {"email": request.user.email})
    return redirect("campaign_actions:overview", campaign.pk)


@require_POST
def campaign_action(request, pk, action):
    """Launch, schedule, close or archive: each a state change the database and this view both guard."""
    require_perms(request, "campaigns.change_campaign")
    campaign = get_object_or_404(Campaign, pk=pk)
    Status = Campaign.Status
    if action == "launch":
        try:
            count = campaign_launch(campaign)
        except LaunchError as exc:
            for problem in exc.messages:
                messages.error(request, problem)
        else:
            messages.success(request, _("Campagne lancée : %(count)s invitations en cours d'envoi.") % {"count": count})
    elif action == "schedule":
        problems = launch_problems(campaign)
        if campaign.opens_at is None or campaign.opens_at <= timezone.now():
            problems.append(_("Indiquez une date d'ouverture à venir pour programmer l'envoi."))
        if problems or campaign.status != Status.DRAFT:
            for problem in problems or [_("Seul un brouillon peut être programmé.")]:
                messages.error(request, problem)
        else:
            Campaign.objects.filter(pk=pk, status=Status.DRAFT).update(status=Status.SCHEDULED)
            messages.success(request, _("Envoi programmé."))
    elif action == "unschedule":
        Campaign.objects.filter(pk=pk, status=Status.SCHEDULED).update(status=Status.DRAFT)
    elif action == "close":
        if campaign_close(campaign):
            messages.success(request, _("Campagne close : les liens affichent désormais une page de fin."))
    elif action == "archive":
        Campaign.objects.filter(pk=pk, status=Status.CLOSED).update(status=Status.ARCHIVED)
    else:
        raise Http404
    return redirect("campaign_actions:overview", campaign.pk)


def outbox_message(request, pk):
    """One email of the local outbox, as the recipient would read it; its links can be followed."""
    require_perms(request, "campaigns.view_outboxmessage")
    kept = get_object_or_404(OutboxMessage, pk=pk)
    return render(request, "campaigns/admin/outbox_message.html", {"kept": kept, "parts": message_parts(kept)})


def outbox_index(request):
    require_perms(request, "campaigns.view_outboxmessage")
    page = Paginator(OutboxMessage.objects.defer("message"), 50).get_page(request.GET.get("p"))
    return render(request, "campaigns/admin/outbox_index.html", {"page": page})


# --- an ambassador's personal data ----------------------------------------------------------------------------


def ambassador_data_export(request, pk):
    """Everything held on one ambassador, as a JSON file to hand over (right of access)."""
    require_perms(request, "campaigns.view_ambassador")
    ambassador = get_object_or_404(Ambassador, pk=pk)
    response = HttpResponse(
        json.dumps(ambassador_export(ambassador), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="ambassadeur-{ambassador.pk}.json"'
    return response


def ambassador_data_erase(request, pk):
    """Asks, then erases the ambassador's identity (right to erasure): contributions stay, de-identified."""
    require_perms(request, "campaigns.delete_ambassador")
    ambassador = get_object_or_404(Ambassador, pk=pk)
    if request.method == "POST":
        ambassador_erase(ambassador)
        messages.success(request, _("Les données de l'ambassadeur n° %(pk)s sont effacées.") % {"pk": ambassador.pk})
        return redirect("wagtailsnippets_campaigns_ambassador:list")
    return render(request, "campaigns/admin/ambassador_erase.html", {"ambassador": ambassador})
