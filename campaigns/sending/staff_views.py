"""Staff views of a campaign's sending: where it is (its figures), its email previewed and sent as a test, its
state changes, and the local outbox."""

from email.header import decode_header, make_header

from django.contrib import messages
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.audience.segments import members_of_segments
from campaigns.copies import campaign_copy
from campaigns.forms import LaunchConfirmForm, TestSendForm
from campaigns.models import Ambassador, Campaign
from campaigns.models.campaigns import address_list
from campaigns.privacy.funnel import progress_as_seen
from campaigns.privacy.segment_counts import may_read_identities, segment_size
from campaigns.sending import subject_tests
from campaigns.sending.checklist import duration_label, launch_checklist
from campaigns.sending.emails import build_message, links_neutralised, subject_source, tracking_removed
from campaigns.sending.health import cluster_ok
from campaigns.sending.launch import LaunchError, campaign_archive, campaign_close, campaign_launch, launch_problems
from campaigns.sending.outbox import message_parts, outbox_opens_for, outbox_readable_by
from campaigns.sending.progress import campaign_progress
from campaigns.sending.window import sending_allowed, window_label
from campaigns.staff_admin import require_perms

SAMPLE_TOKEN = "0" * 64  # test emails carry a link that opens no invitation


def campaign_overview(request, pk):
    """Where a campaign is: its figures (refreshing while it sends), what can be done next, its email."""
    require_perms(request, "campaigns.view_campaign")
    campaign = get_object_or_404(Campaign.objects.prefetch_related("segments", "reminders"), pk=pk)
    figures = campaign_progress(campaign)
    audience, audience_label = segment_size(members_of_segments(campaign.segments.all()).count(), request.user)
    return render(
        request,
        "campaigns/admin/campaign_overview.html",
        {
            "campaign": campaign,
            "figures": progress_as_seen(figures, request.user),
            "problems": launch_problems(campaign) if not campaign.audience_locked else [],
            "can_change": request.user.has_perm("campaigns.change_campaign"),
            "refresh": campaign.status == Campaign.Status.LIVE and figures["waiting"] > figures["held"],
            "stalled": figures["waiting"] > 0 and not cluster_ok(),
            "window_closed": figures["waiting"] > 0 and not sending_allowed(campaign),
            "window": window_label(campaign),
            "test_form": TestSendForm(),
            "audience_size": audience,
            "audience_label": audience_label,
            "audience_exact": may_read_identities(request.user),
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
            "html": links_neutralised(tracking_removed(html))[0],
            "language": locale,
            "subject": str(make_header(decode_header(message.subject))),
            "tested_subjects": _tested_subjects(campaign, request.user, locale),
        },
    )


def _sample_message(campaign, user, locale, variant=None):
    sample = Ambassador(
        email=user.email or "test@localhost", first_name=user.first_name or user.get_username(), locale=locale
    )
    return build_message(
        source=subject_source(campaign, variant),
        campaign=campaign,
        ambassador=sample,
        token=SAMPLE_TOKEN,
        subject_prefix=_("[TEST] "),
    )


def _tested_subjects(campaign, user, locale):
    """[(label, subject as sent)] of the campaign's subject test, none when it has no test."""
    if not subject_tests.variants_of(campaign):
        return []
    return [
        (subject_tests.variant_label(index), str(make_header(decode_header(message.subject))))
        for index, message in enumerate(_sample_messages(campaign, user, locale))
    ]


def _sample_messages(campaign, user, locale):
    """The test emails: one, or one per subject of the campaign's subject test."""
    variants = subject_tests.variants_of(campaign)
    return [_sample_message(campaign, user, locale, variant) for variant in variants or [None]]


def test_recipients(campaign, user, *, to_list):
    """Who receives a test email: the staff member who asks, and the campaign's test list if asked."""
    recipients = [user.email.lower()] if user.email else []
    if to_list:
        recipients += [address for address in address_list(campaign.test_recipients) if address not in recipients]
    return recipients


@require_POST
def campaign_test_send(request, pk):
    require_perms(request, "campaigns.change_campaign")
    campaign = get_object_or_404(Campaign, pk=pk)
    form = TestSendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez la langue de l'e-mail de test."))
        return redirect("campaign_actions:overview", campaign.pk)
    recipients = test_recipients(campaign, request.user, to_list=form.cleaned_data["to_list"])
    if not recipients:
        messages.error(
            request,
            _("Aucun destinataire : renseignez votre adresse dans votre profil ou la liste de test de la campagne."),
        )
        return redirect("campaign_actions:overview", campaign.pk)
    sent = []
    for message in _sample_messages(campaign, request.user, form.cleaned_data["locale"]):
        message.to = recipients
        sent.append(message)
    try:
        mail.get_connection().send_messages(sent)
    except Exception as exc:  # noqa: BLE001 - shown to the person who asked
        messages.error(request, _("L'e-mail de test n'est pas parti : %(error)s") % {"error": exc})
    else:
        messages.success(request, _("E-mail de test envoyé à %(email)s.") % {"email": ", ".join(recipients)})
    return redirect("campaign_actions:overview", campaign.pk)


def _copied(request, campaign, *, as_template):
    """Duplicate the campaign as a new draft (or a template) and open it for editing."""
    require_perms(request, "campaigns.add_campaign")
    copy = campaign_copy(campaign, as_template=as_template)
    messages.success(request, _("Copie créée en brouillon : « %(title)s ».") % {"title": copy.title})
    return redirect(Campaign.snippet_viewset.get_url_name("edit"), copy.pk)


def campaign_checklist(request, pk):
    """Before sending: what the launch will do (audience after caps and opt-outs, languages and missing texts,
    links, survey or board, schedule and window, duration), and the launch itself once the number of people is
    typed back."""
    require_perms(request, "campaigns.change_campaign")
    campaign = get_object_or_404(Campaign.objects.prefetch_related("segments"), pk=pk)
    checklist = launch_checklist(campaign)
    form = LaunchConfirmForm(request.POST or None, expected=checklist.invited)
    if request.method == "POST" and not checklist.problems and form.is_valid():
        try:
            count = campaign_launch(campaign)
        except LaunchError as exc:
            for problem in exc.messages:
                messages.error(request, problem)
        else:
            messages.success(request, _("Campagne lancée : %(count)s invitations en cours d'envoi.") % {"count": count})
            return redirect("campaign_actions:overview", campaign.pk)
    return render(
        request,
        "campaigns/admin/campaign_checklist.html",
        {
            "campaign": campaign,
            "checklist": checklist,
            "duration": duration_label(checklist.duration_seconds),
            "form": form,
            "launchable": campaign.status in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED),
        },
    )


@require_POST
def campaign_action(request, pk, action):
    """Launch, schedule, close or archive: each a state change the database and this view both guard; or copy."""
    require_perms(request, "campaigns.change_campaign")
    campaign = get_object_or_404(Campaign, pk=pk)
    if action in ("copy", "template"):
        return _copied(request, campaign, as_template=action == "template")
    Status = Campaign.Status
    if action == "launch":
        # A launch goes through the checklist, which asks for the number of people: it answers this POST too.
        return campaign_checklist(request, pk)
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
        campaign_archive(campaign)
    else:
        raise Http404
    return redirect("campaign_actions:overview", campaign.pk)


def outbox_message(request, pk):
    """One email of the local outbox, as the recipient would read it; its links can be followed. Another's
    staff mail is not found (404), as if it did not exist."""
    if not outbox_opens_for(request.user):
        raise PermissionDenied
    kept = get_object_or_404(outbox_readable_by(request.user), pk=pk)
    return render(request, "campaigns/admin/outbox_message.html", {"kept": kept, "parts": message_parts(kept)})


def outbox_index(request):
    """The kept emails this account may read (``campaigns.sending.outbox.outbox_readable_by``)."""
    if not outbox_opens_for(request.user):
        raise PermissionDenied
    page = Paginator(outbox_readable_by(request.user).defer("message"), 50).get_page(request.GET.get("p"))
    return render(request, "campaigns/admin/outbox_index.html", {"page": page})
