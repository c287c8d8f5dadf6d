"""Launching, closing and withdrawing: the state changes of a campaign and of its invitations.

Launch snapshots the target segments into one Invitation per ambassador with a single INSERT ... SELECT (tokens
drawn by the database, the frequency cap applied in the same statement), then queues a bounded number of
django-q2 sender tasks (``campaigns.sending.senders``)."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.audience.fatigue import cap_window_start, contacts_since
from campaigns.audience.segments import members_of_segments, segment_problems, tiers_condition
from campaigns.audit import trail
from campaigns.database.tokens import token_sql
from campaigns.models import Campaign, Invitation
from campaigns.sending import senders, subject_tests
from campaigns.tracking import destinations

log = logging.getLogger("campaigns.sending")
Status = Invitation.Status
ACTIVE = [Status.QUEUED, Status.SENDING, Status.SENT, Status.DELIVERED]


class LaunchError(ValidationError):
    pass


def launch_problems(campaign):
    problems = []
    if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED):
        problems.append(
            _("La campagne est déjà lancée (état : %(status)s).") % {"status": campaign.get_status_display()}
        )
    if campaign.is_template:
        problems.append(_("Un modèle de campagne ne se lance pas : dupliquez-le."))
    if not campaign.has_email:
        problems.append(_("L'e-mail d'invitation en français (objet et message) est obligatoire."))
    if not campaign.segments.exists():
        problems.append(_("Choisissez au moins un segment."))
    problems += segment_problems(campaign.segments.prefetch_related("rules"))
    if campaign.closes_at and campaign.closes_at <= timezone.now():
        problems.append(_("La date de clôture est passée."))
    return problems + subject_tests.launch_problems(campaign) + destinations.missing_for(campaign)


def campaign_audience(campaign):
    """The contactable members of the campaign's segments; of its reserved tiers only, if any (early access)."""
    audience = members_of_segments(campaign.segments.prefetch_related("rules"))
    reserved = list(campaign.reserved_tiers.values_list("code", flat=True))
    return audience.filter(tiers_condition(reserved)) if reserved else audience


def members_with_recent_contacts(campaign, *, now):
    """The campaign's audience (``campaign_audience``), each annotated with ``recent``: how many emails they had in
    the frequency cap's window (the cap compares it to ``CONTACT_CAP_COUNT``)."""
    return campaign_audience(campaign).annotate(recent=contacts_since(cap_window_start(now)))


def contact_cap():
    """How many recent emails put an ambassador over the frequency cap."""
    return settings.CONTACT_CAP_COUNT or 2**31 - 1


def invitations_create(campaign, *, now):
    """One Invitation per contactable member of the campaign's segments (of its reserved tiers, if any: early
    access), in one statement. Those emailed ``CONTACT_CAP_COUNT`` times or more in the last ``CONTACT_CAP_DAYS``
    days (any email: ``campaigns.audience.fatigue``) are recorded as skipped."""
    members = (
        campaign_audience(campaign)
        .annotate(recent=contacts_since(cap_window_start(now)), member_id=F("pk"))
        .values_list("member_id", "recent")
        .order_by()
    )
    select_sql, select_params = members.query.sql_with_params()
    cap = contact_cap()
    created = connection.ops.adapt_datetimefield_value(now)
    table = Invitation._meta.db_table
    sql = f"""
        INSERT INTO {table} (campaign_id, ambassador_id, token, status, skip_reason, created_at)
        SELECT %s, member.member_id, {token_sql()},
               CASE WHEN member.recent >= %s THEN %s ELSE %s END,
               CASE WHEN member.recent >= %s THEN %s ELSE '' END,
               %s
        FROM ({select_sql}) AS member WHERE 1 = 1  -- the WHERE lets SQLite parse ON CONFLICT
        ON CONFLICT (campaign_id, ambassador_id) DO NOTHING
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.get_autocommit():
            # the cap's three indexed subqueries per member make the estimate big enough for JIT, whose compiling
            # took 3.7 s of the 6.1 s select at 100,000 members (the subqueries 1.5 s; README, bench/send.py)
            cursor.execute("SET LOCAL jit = off")
        params = [campaign.pk, cap, Status.SKIPPED, Status.QUEUED, cap, Invitation.SkipReason.FREQUENCY_CAP, created]
        cursor.execute(sql, [*params, *select_params])
        return cursor.rowcount


def campaign_launch(campaign, *, now=None):
    """Invite the audience and start sending. Returns how many invitations were created."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        problems = launch_problems(campaign)
        if problems:
            raise LaunchError(problems)
        created = invitations_create(campaign, now=now)
        subject_tests.sample_draw(campaign, now=now)
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.LIVE, launched_at=now)
        transaction.on_commit(lambda: senders.senders_enqueue("invitations", campaign.pk))
    log.info("campaign launched", extra={"campaign": campaign.slug, "invitations": created})
    trail.audit_record(trail.LAUNCH, target=campaign, data={"invitations": created})
    return created


def campaign_close(campaign, *, now=None):
    """Close a live campaign: its links then show a "campaign closed" page; unsent emails are not sent."""
    now = now or timezone.now()
    updated = Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.LIVE).update(
        status=Campaign.Status.CLOSED, closed_at=now
    )
    if updated:
        trail.audit_record(trail.CLOSE, target=campaign)
    return bool(updated)


def campaign_archive(campaign):
    """Archive a closed campaign: it leaves the lists of current work; its figures and pages stay."""
    updated = Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.CLOSED).update(
        status=Campaign.Status.ARCHIVED
    )
    if updated:
        trail.audit_record(trail.ARCHIVE, target=campaign)
    return bool(updated)


def invitations_withdraw(invitation_ids, *, now=None):
    """Withdraw invitations: their links stop working and their emails, if not sent yet, are not sent."""
    now = now or timezone.now()
    ids = list(invitation_ids)
    Invitation.objects.filter(pk__in=ids, status=Status.QUEUED).update(status=Status.SKIPPED)
    return Invitation.objects.filter(pk__in=ids, withdrawn_at__isnull=True).update(withdrawn_at=now)
