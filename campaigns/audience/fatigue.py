"""Less fatigue: every email an ambassador receives counts towards the frequency cap (invitations, reminders, idea
news, weekly digests, tier emails), and each ambassador chooses how often they hear about ideas.

Invitations and reminders are counted from their own tables; the other emails are logged in ``ContactLog`` by
the code that sends them (``contacts_log``)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from campaigns.models import ContactLog, ContactPreference, IdeaNews, Invitation, ReminderDelivery

ACTIVE_INVITATIONS = [
    Invitation.Status.QUEUED,
    Invitation.Status.SENDING,
    Invitation.Status.SENT,
    Invitation.Status.DELIVERED,
]
SENT_REMINDERS = [ReminderDelivery.Status.SENT, ReminderDelivery.Status.DELIVERED]


def _count(queryset, group):
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def contacts_since(since, ambassador=None):
    """An expression: the emails the ambassador (``ambassador``, by default the outer row's primary key) received
    since ``since``: invitations sent or on their way, reminders sent, and logged emails. Three indexed
    subqueries."""
    ambassador = ambassador if ambassador is not None else OuterRef("pk")
    invitations = Invitation.objects.filter(ambassador=ambassador, created_at__gte=since, status__in=ACTIVE_INVITATIONS)
    reminders = ReminderDelivery.objects.filter(
        invitation__ambassador=ambassador, sent_at__gte=since, status__in=SENT_REMINDERS
    )
    logged = ContactLog.objects.filter(ambassador=ambassador, sent_at__gte=since)
    return (
        _count(invitations, "ambassador") + _count(reminders, "invitation__ambassador") + _count(logged, "ambassador")
    )


def cap_window_start(now):
    return now - timedelta(days=settings.CONTACT_CAP_DAYS)


def contacts_log(ambassador_ids, kind, *, now=None):
    """Log one email of ``kind`` sent to each of ``ambassador_ids`` (one INSERT)."""
    now = now or timezone.now()
    ContactLog.objects.bulk_create(
        [ContactLog(ambassador_id=pk, kind=kind, sent_at=now) for pk in ambassador_ids], batch_size=1000
    )


def contact_history(ambassador, *, now=None):
    """How often the ambassador was emailed: [(label, in the last 30 days, in the last 12 months)], per kind."""
    now = now or timezone.now()
    month, year = now - timedelta(days=30), now - timedelta(days=365)
    sent = Invitation.objects.filter(ambassador=ambassador, sent_at__isnull=False)
    reminders = ReminderDelivery.objects.filter(invitation__ambassador=ambassador, sent_at__isnull=False)
    rows = [
        (
            Invitation._meta.verbose_name_plural,
            sent.filter(sent_at__gte=month).count(),
            sent.filter(sent_at__gte=year).count(),
        ),
        (
            ReminderDelivery._meta.verbose_name_plural,
            reminders.filter(sent_at__gte=month).count(),
            reminders.filter(sent_at__gte=year).count(),
        ),
    ]
    logged = {
        kind: (month_count, year_count)
        for kind, month_count, year_count in ContactLog.objects.filter(ambassador=ambassador, sent_at__gte=year)
        .values_list("kind")
        .annotate(month=Count("pk", filter=Q(sent_at__gte=month)), year=Count("pk"))
        .order_by()
    }
    for kind, label in ContactLog.Kind.choices:
        rows.append((label, *logged.get(kind, (0, 0))))
    return rows


def idea_news_choice(ambassador):
    preference = ContactPreference.objects.filter(ambassador=ambassador).first()
    return preference.idea_news if preference else IdeaNews.EACH_TIME


def idea_news_set(ambassador, choice):
    """Record how the ambassador wants to hear about ideas (``IdeaNews``)."""
    if choice not in IdeaNews.values:
        raise ValueError(choice)
    ContactPreference.objects.update_or_create(ambassador=ambassador, defaults={"idea_news": choice})


def weekly_readers():
    """A queryset of the ids of ambassadors who chose the weekly digest for idea news."""
    return ContactPreference.objects.filter(idea_news=IdeaNews.WEEKLY).values("ambassador")


def preferences_url(token):
    """The absolute address of the preference page reached with a personal token."""
    return settings.SITE_URL + reverse("campaigns:preferences", args=[token])
