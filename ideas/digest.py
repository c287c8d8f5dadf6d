"""The weekly digest: one email gathering what happened, over the week, to the ideas an ambassador posted or voted
on, for those who chose it on their preference page instead of an email each time (``campaigns.audience.fatigue``).

Sent by the weekly ``ideas: digest`` schedule. One query streams (ambassador, status change) pairs in ambassador
order; ambassadors are then taken ``CHUNK_SIZE`` at a time (their changes, invitations and addresses in three
queries per chunk), so memory stays flat. Those not contactable are left out; one who already got a digest in the
last six days is not sent another (a schedule run twice sends once)."""

import itertools
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.audience.segments import contactable_ambassadors
from campaigns.models import ContactLog, ContactPreference, IdeaNews, Invitation
from ideas.models import Idea, StatusChange, Vote
from ideas.notifications import _email, _locale, emails_send

CHUNK_SIZE = 500
WEEK = timedelta(days=7)


def digest_pairs(since, until):
    """(ambassador id, status change id) for every change in [since, until) to an idea that a weekly reader posted
    or voted on, each pair once, in ambassador order (a server-side cursor on PostgreSQL)."""
    changes, ideas = StatusChange._meta.db_table, Idea._meta.db_table
    readers = f"SELECT ambassador_id FROM {ContactPreference._meta.db_table} WHERE idea_news = %s"
    sql = (
        f"SELECT i.author_id AS ambassador_id, c.id FROM {changes} c JOIN {ideas} i ON i.id = c.idea_id "
        f"WHERE c.created_at >= %s AND c.created_at < %s AND i.author_id IN ({readers}) "
        f"UNION SELECT v.ambassador_id, c.id FROM {changes} c JOIN {Vote._meta.db_table} v ON v.idea_id = c.idea_id "
        f"WHERE c.created_at >= %s AND c.created_at < %s AND v.ambassador_id IN ({readers}) "
        "ORDER BY 1, 2"
    )
    params = [since, until, IdeaNews.WEEKLY] * 2
    params = [connection.ops.adapt_datetimefield_value(p) if hasattr(p, "tzinfo") else p for p in params]
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2000):
            yield from rows


def _already_sent(ambassador_ids, now):
    return set(
        ContactLog.objects.filter(
            ambassador_id__in=ambassador_ids, kind=ContactLog.Kind.DIGEST, sent_at__gte=now - timedelta(days=6)
        ).values_list("ambassador_id", flat=True)
    )


def _tokens(ambassador_ids):
    """{ambassador id: the token of their latest invitation not withdrawn} (unsubscribe and preference links)."""
    rows = (
        Invitation.objects.filter(ambassador_id__in=ambassador_ids, withdrawn_at__isnull=True)
        .order_by("ambassador_id", "created_at", "pk")
        .values_list("ambassador_id", "token")
    )
    return dict(rows)  # the latest wins


def digest_message(ambassador, token, changes):
    """The digest of ``changes`` (with their idea and its campaign) for one ambassador."""
    locale = _locale(ambassador)
    with translation.override(locale):
        count = len(changes)
        subject = ngettext(
            "Vos idées cette semaine : %(count)s nouvelle", "Vos idées cette semaine : %(count)s nouvelles", count
        ) % {"count": count}
        lines = [_("Voici ce qui a changé cette semaine pour les idées que vous avez proposées ou soutenues :")]
        for change in changes:
            values = {
                "title": change.idea.title,
                "status": str(Idea.Status(change.to_status).label),
                "campaign": change.idea.campaign.title,
            }
            lines.append(_("« %(title)s » (%(campaign)s) : %(status)s") % values)
        return _email(
            invitation=SimpleNamespace(token=token, ambassador=ambassador, ambassador_id=ambassador.pk),
            locale=locale,
            subject=subject,
            lines=lines,
            link=settings.SITE_URL + "/",
            reason=_("Vous recevez ce résumé parce que vous l'avez choisi pour les nouvelles des idées."),
            reply_to=None,
        )


def _messages(groups, now):
    """The digests of a chunk of [(ambassador id, [change ids])]."""
    ids = [pk for pk, _changes in groups]
    skip = _already_sent(ids, now)
    people = contactable_ambassadors().in_bulk([pk for pk in ids if pk not in skip])
    tokens = _tokens(list(people))
    wanted = [change for pk, changes in groups if pk in people and pk in tokens for change in changes]
    changes = StatusChange.objects.select_related("idea__campaign").in_bulk(wanted)
    for pk, change_ids in groups:
        if pk in people and pk in tokens:
            yield digest_message(people[pk], tokens[pk], [changes[c] for c in change_ids if c in changes])


def digests_send(*, now=None, chunk_size=CHUNK_SIZE):
    """Send the week's digests (the week before ``now``). Returns {"sent", "failed"}."""
    now = now or timezone.now()
    grouped = (
        (pk, [change for _pk, change in rows])
        for pk, rows in itertools.groupby(digest_pairs(now - WEEK, now), key=lambda row: row[0])
    )

    def messages():
        while chunk := list(itertools.islice(grouped, chunk_size)):
            yield from _messages(chunk, now)

    return emails_send(messages(), chunk_size=chunk_size, kind=ContactLog.Kind.DIGEST)
