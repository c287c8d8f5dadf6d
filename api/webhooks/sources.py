"""Where each webhook event comes from: rows of the apps read by their timestamps, so that campaigns, surveys and
ideas need not know about webhooks (as ``reports.listening`` reads new texts). Each source gives, after a
(moment, id) cursor and up to a moment, the rows as (moment, id, payload for every role, personal part); the
personal part (who, and what they wrote) joins the payload only for subscriptions whose role may read identities."""

from django.db.models import Q

from api.models import WebhookEvent
from campaigns.models import Ambassador, Campaign
from ideas.models import Idea, StatusChange
from surveys.models import Response


def _after(queryset, field, after_at, after_id, until):
    return (
        queryset.filter(**{f"{field}__lte": until})
        .filter(Q(**{f"{field}__gt": after_at}) | Q(**{field: after_at, "pk__gt": after_id}))
        .order_by(field, "pk")
    )


def identity(email, external_id):
    return {"ambassador": {"email": email, "external_id": external_id}}


def responses(after_at, after_id, until, limit):
    rows = _after(Response.objects.all(), "submitted_at", after_at, after_id, until).values_list(
        "submitted_at",
        "pk",
        "survey_id",
        "invitation__campaign_id",
        "invitation__ambassador__email",
        "invitation__ambassador__external_id",
    )[:limit]
    for at, pk, survey, campaign, email, external_id in rows:
        yield at, pk, {"response": pk, "survey": survey, "campaign": campaign}, identity(email, external_id)


def ideas_posted(after_at, after_id, until, limit):
    rows = _after(Idea.objects.all(), "created_at", after_at, after_id, until).values_list(
        "created_at", "pk", "campaign_id", "title", "author__email", "author__external_id"
    )[:limit]
    for at, pk, campaign, title, email, external_id in rows:
        personal = {"title": title, **(identity(email, external_id) if email else {})}
        yield at, pk, {"idea": pk, "campaign": campaign}, personal


def status_changes(after_at, after_id, until, limit):
    rows = _after(StatusChange.objects.all(), "created_at", after_at, after_id, until).values_list(
        "created_at", "pk", "idea_id", "idea__campaign_id", "from_status", "to_status"
    )[:limit]
    for at, pk, idea, campaign, before, after in rows:
        yield at, pk, {"idea": idea, "campaign": campaign, "from_status": before, "to_status": after}, {}


def _ambassadors(field, after_at, after_id, until, limit):
    rows = _after(Ambassador.objects.filter(erased_at__isnull=True), field, after_at, after_id, until).values_list(
        field, "pk", "email", "external_id"
    )[:limit]
    for at, pk, email, external_id in rows:
        yield at, pk, {}, identity(email, external_id)


def opt_outs(after_at, after_id, until, limit):
    return _ambassadors("opted_out_at", after_at, after_id, until, limit)


def bounces(after_at, after_id, until, limit):
    return _ambassadors("email_bounced_at", after_at, after_id, until, limit)


def campaigns_closed(after_at, after_id, until, limit):
    rows = _after(Campaign.objects.all(), "closed_at", after_at, after_id, until).values_list(
        "closed_at", "pk", "slug", "title"
    )[:limit]
    for at, pk, slug, title in rows:
        yield at, pk, {"campaign": pk, "slug": slug, "title": title}, {}


SOURCES = {
    WebhookEvent.RESPONSE_SUBMITTED: responses,
    WebhookEvent.IDEA_POSTED: ideas_posted,
    WebhookEvent.IDEA_STATUS_CHANGED: status_changes,
    WebhookEvent.OPT_OUT: opt_outs,
    WebhookEvent.BOUNCE: bounces,
    WebhookEvent.CAMPAIGN_CLOSED: campaigns_closed,
}
