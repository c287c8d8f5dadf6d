"""What an ambassador reaches from an email: the personal link, the open pixel, the unsubscribe page, and the
campaign's landing page. Staff views are in admin_views."""

import base64
from functools import lru_cache, wraps

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from campaigns.audience.fatigue import contact_history, idea_news_choice, idea_news_set
from campaigns.engagement.reads import programme_status
from campaigns.locales import invitation_language, localized
from campaigns.models import Campaign, IdeaNews
from campaigns.sending.health import health
from campaigns.tracking import destinations
from campaigns.tracking.events import record_click, record_decoy, record_open, unsubscribe
from campaigns.tracking.links import invitation_for_token, link_state
from campaigns.tracking.throttle import client_address, throttled, token_failed
from campaigns.tracking.visits import staff_visitor, visit_start, visiting_invitation

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def not_stored(view):
    """What ``never_cache`` does for the tracking endpoints, without its header parsing: they are the busiest."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
        return response

    return wrapper


def _seen(request):
    """What the classification of opens and clicks reads from a request."""
    return {
        "user_agent": request.META.get("HTTP_USER_AGENT", ""),  # not request.headers: it parses every header
        "address": client_address(request),
        "method": request.method,
    }


@require_safe  # a scanner's HEAD is answered (and kept as a scanner's)
@not_stored
def open_pixel(request, token):
    # A GET that writes, by design: counting the open is what the pixel is for (one small statement). A staff
    # member (the outbox, a preview) is never counted.
    if not staff_visitor(request):
        record_open(token, **_seen(request))
    return HttpResponse(PIXEL, content_type="image/gif")


@require_safe
@not_stored
def decoy_link(request, token):
    """The link hidden in every HTML email, which no person can see or reach: whatever follows it is a program,
    and the message's clicks around it are taken back. Answers an empty page, whatever the token."""
    if not staff_visitor(request):
        record_decoy(token, user_agent=request.headers.get("User-Agent", ""), address=client_address(request))
    response = HttpResponse("", content_type="text/plain")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
@never_cache
def health_view(request):
    """For load balancers and monitoring: 200 when the database, the broker and a cluster work, else 503; the
    body says which part fails (and nothing else)."""
    parts = health()
    return JsonResponse(
        {name: "ok" if ok else "down" for name, ok in parts.items()}, status=200 if all(parts.values()) else 503
    )


def _unavailable(request, state, campaign=None, status=200):
    return render(request, "campaigns/link_unavailable.html", {"state": state, "campaign": campaign}, status=status)


@lru_cache(maxsize=1024)
def _landing_url(script_prefix, slug):
    """Where a click leads, reversed once per campaign: reversing costs the personal link a tenth of its time."""
    return reverse("campaigns:landing", args=[slug])


def _staff_click(token):
    """(invitation id, slug) of a working link followed by a staff member, counted nowhere; None otherwise."""
    invitation = invitation_for_token(token)
    if invitation is None or link_state(invitation):
        return None
    return invitation.pk, invitation.campaign.slug


@require_safe  # a scanner's HEAD is answered (and kept as a scanner's)
@not_stored
def personal_link(request, token):
    """Count the click, identify the visitor, and send them to the campaign (or one of its registered pages).
    A link that does not work says why. A GET that writes, by design: counting the click is what it is for. A
    staff member following it (from the outbox) is not counted."""
    if throttled(request):
        return _unavailable(request, "throttled", status=429)
    to = request.GET.get("to", "")
    staff = staff_visitor(request)
    clicked = _staff_click(token) if staff else record_click(token, target=to[:20], **_seen(request))
    if clicked is None:
        invitation = invitation_for_token(token)
        if invitation is None:
            token_failed(request)
            return _unavailable(request, "unknown", status=404)
        state = link_state(invitation)
        return _unavailable(request, state, invitation.campaign, status=410 if state == "withdrawn" else 200)
    invitation_id, slug = clicked
    target = _landing_url(get_script_prefix(), slug)
    if to:
        target = destinations.resolve(Campaign.objects.get(slug=slug), to) or target
    response = HttpResponseRedirect(target)
    visit_start(request, response, invitation_id)
    return response


@csrf_exempt  # RFC 8058 one-click POSTs come from mail providers, without a CSRF cookie: the token authenticates
@require_http_methods(["GET", "POST"])
@never_cache
def unsubscribe_view(request, token):
    if throttled(request):
        return _unavailable(request, "throttled", status=429)
    invitation = invitation_for_token(token)
    if invitation is None:
        token_failed(request)
        return _unavailable(request, "unknown", status=404)
    if request.method == "POST":
        unsubscribe(invitation)
        return render(request, "campaigns/unsubscribed.html", {"invitation": invitation})
    return render(request, "campaigns/unsubscribe_confirm.html", {"invitation": invitation})


@require_http_methods(["GET", "POST"])
@never_cache
def preferences_view(request, token):
    """The ambassador's choices, reached from any email with their personal token (no account): idea news each
    time or in a weekly digest, and how often they were emailed."""
    if throttled(request):
        return _unavailable(request, "throttled", status=429)
    invitation = invitation_for_token(token)
    if invitation is None or invitation.ambassador is None:
        token_failed(request)
        return _unavailable(request, "unknown", status=404)
    ambassador, saved, error, status = invitation.ambassador, False, "", 200
    if request.method == "POST":
        try:
            idea_news_set(ambassador, request.POST.get("idea_news", ""))
            saved = True
        except ValueError:
            error, status = _("Choisissez « Chaque fois » ou « Un résumé hebdomadaire »."), 400
    context = {
        "invitation": invitation,
        "choices": IdeaNews.choices,
        "chosen": idea_news_choice(ambassador),
        "history": contact_history(ambassador),
        "saved": saved,
        "error": error,
        "cap": (settings.CONTACT_CAP_COUNT, settings.CONTACT_CAP_DAYS),
    }
    return render(request, "campaigns/preferences.html", context, status=status)


def campaign_landing(request, slug):
    """The campaign for a visitor: the invited ambassador's campaign comes with their invitation (one query);
    where it leads (its published page, its survey) from the cache (``destinations.landing``)."""
    invitation = visiting_invitation(request)
    if invitation is not None and invitation.campaign.slug == slug:
        campaign = invitation.campaign
    else:
        invitation, campaign = None, get_object_or_404(Campaign, slug=slug)
    if not campaign.is_public and not request.user.has_perm("campaigns.view_campaign"):
        raise Http404  # nothing of a campaign shows before its launch, but to staff
    language = invitation_language(invitation) if invitation else get_language()
    page, leads = destinations.landing(campaign, language)
    if invitation is not None and campaign.kind == Campaign.Kind.SURVEY:
        survey = next((path for destination, path in leads if destination.key == "survey"), None)
        if survey and survey.startswith("/") and not survey.startswith("//"):
            return HttpResponseRedirect(survey)  # a survey-only campaign: the personal link leads straight there
    if page:
        return HttpResponseRedirect(page)  # the campaign's published page, in the visitor's language
    return render(
        request,
        "campaigns/campaign_landing.html",
        {
            "campaign": campaign,
            "summary": localized(campaign, "summary", language if invitation else None),
            "invitation": invitation,
            "destinations": leads,
            "programme": programme_status(campaign.pk, invitation.ambassador_id if invitation else None),
        },
    )
