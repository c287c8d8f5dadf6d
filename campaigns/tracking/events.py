"""What ambassadors (and the machines between them and us) do with their invitation: opens, clicks, the decoy,
answers, unsubscribing.

An open or a click is kept raw as a ``TrackingEvent`` with its verdict (``campaigns.tracking.classify``) and
updates the invitation's counters in the same statement on PostgreSQL (``WITH ... UPDATE ... INSERT``), written in
batches off the request path (``campaigns.tracking.buffer``: a click reads at once only where its link leads), so
the endpoints answer at once; on SQLite (the demo) the same pieces run as three statements in a transaction. Raw
figures (``open_count``, ``first_opened_at``, ``click_count``, ``first_clicked_at``) count every fetch;
estimated-human ones (``first_human_open_at``, ``first_human_click_at``) only a person's or an image proxy's. A
machine's click never sets a human open."""

from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from campaigns.audience.opt_out import ambassadors_opt_out
from campaigns.database.async_commit import execute_async_commit
from campaigns.models import Campaign, Invitation, TrackingEvent
from campaigns.tracking import buffer
from campaigns.tracking.classify import DECOY, HEAD, classify_click, classify_open, network_of
from campaigns.tracking.links import TOKEN

Kind, Verdict = TrackingEvent.Kind, TrackingEvent.Verdict
INVITATIONS, EVENTS, CAMPAIGNS = Invitation._meta.db_table, TrackingEvent._meta.db_table, Campaign._meta.db_table
AGENT_LENGTH = TrackingEvent._meta.get_field("agent").max_length

# The invitation a token names, whether the event comes early (within the window after delivery) and in a burst
# (another link of the message, or a HEAD of any, within SCANNER_BURST_SECONDS), then the verdict that makes
# (Judgement.judged).
BURST = f"""EXISTS (SELECT 1 FROM {EVENTS} e WHERE e.invitation_id = i.id AND e.kind IN (%(click)s, %(decoy)s)
                   AND (e.target <> %(target)s OR e.reason = %(head)s) AND e.at >= %(burst_since)s)"""
JUDGED = f"""
    inv AS MATERIALIZED (
        SELECT i.id AS id, c.slug AS slug,
               COALESCE(COALESCE(i.delivered_at, i.sent_at) > %(early_since)s, FALSE) AS early, {{burst}} AS burst
        FROM {INVITATIONS} i JOIN {CAMPAIGNS} c ON c.id = i.campaign_id
        WHERE i.token = %(token)s {{conditions}} AND {{async_commit}}
    ),
    judged AS (
        SELECT id, slug,
               CASE WHEN burst THEN %(burst_verdict)s WHEN early THEN %(early_verdict)s ELSE %(verdict)s END AS verdict,
               CASE WHEN burst THEN %(burst_reason)s WHEN early THEN %(early_reason)s ELSE %(reason)s END AS reason
        FROM inv
    )"""
# A click counts only while the link works (invitation not withdrawn, campaign live and not past its closing).
LINK_WORKS = """AND i.withdrawn_at IS NULL AND c.status = %(live)s AND (c.closes_at IS NULL OR c.closes_at > %(now)s)"""
HUMAN = "{verdict} IN (%(person)s, %(proxy)s)"
COUNTERS = {
    Kind.OPEN: f"""open_count = open_count + 1,
        first_opened_at = COALESCE(first_opened_at, %(now)s),
        first_human_open_at = CASE WHEN {HUMAN} THEN COALESCE(first_human_open_at, %(now)s)
                                   ELSE first_human_open_at END""",
    Kind.CLICK: f"""click_count = click_count + 1,
        first_clicked_at = COALESCE(first_clicked_at, %(now)s),
        first_opened_at = COALESCE(first_opened_at, %(now)s),
        first_human_click_at = CASE WHEN {HUMAN} THEN COALESCE(first_human_click_at, %(now)s)
                                    ELSE first_human_click_at END,
        first_human_open_at = CASE WHEN {HUMAN} THEN COALESCE(first_human_open_at, %(now)s)
                                   ELSE first_human_open_at END""",
}
INSERT = f"""INSERT INTO {EVENTS} (invitation_id, kind, at, verdict, reason, target, agent, network)"""
# PostgreSQL: one statement, one round trip (the counters and the event, or nothing for an unknown token).
ONE_STATEMENT = f"""WITH {JUDGED},
    counted AS (UPDATE {INVITATIONS} SET {{counters}} FROM judged WHERE {INVITATIONS}.id = judged.id RETURNING 1),
    kept AS ({INSERT} SELECT id, %(kind)s, %(now)s, verdict, reason, %(target)s, %(agent)s, %(network)s
             FROM judged RETURNING 1)
    SELECT id, slug, verdict, reason FROM judged"""


@lru_cache(maxsize=16)
def _statement(vendor, kind, conditions, burst):
    parts = {"conditions": conditions, "burst": BURST if burst else "FALSE", "async_commit": "{async_commit}"}
    if vendor == "postgresql":
        counters = COUNTERS[kind].replace("{verdict}", "judged.verdict")
        return ONE_STATEMENT.format(**parts, counters=counters)
    return f"WITH {JUDGED.format(**parts)} SELECT id, slug, verdict, reason FROM judged"


def _params(kind, judgement, *, token, now, agent, address, target):
    adapt = connection.ops.adapt_datetimefield_value
    window = settings.PROXY_OPEN_SECONDS if kind == Kind.OPEN else settings.SCANNER_CLICK_SECONDS
    early, burst = judgement.early or (judgement.verdict, judgement.reason), judgement.burst or (None, None)
    return {
        "token": token,
        "now": adapt(now),
        "kind": kind.value,
        "verdict": judgement.verdict,
        "reason": judgement.reason,
        "early_verdict": early[0],
        "early_reason": early[1],
        "burst_verdict": burst[0],
        "burst_reason": burst[1],
        "early_since": adapt(now - timedelta(seconds=window)),
        "burst_since": adapt(now - timedelta(seconds=settings.SCANNER_BURST_SECONDS)),
        "click": Kind.CLICK.value,
        "decoy": Kind.DECOY.value,
        "head": HEAD.reason,
        "target": target,
        "agent": (agent or "")[:AGENT_LENGTH],
        "network": network_of(address),
        "person": Verdict.PERSON.value,
        "proxy": Verdict.PROXY.value,
        "live": Campaign.Status.LIVE.value,
    }


# What a deferred click reads at once: the invitation and where its link leads, when the link works.
LINK = f"""SELECT i.id, c.slug FROM {INVITATIONS} i JOIN {CAMPAIGNS} c ON c.id = i.campaign_id
           WHERE i.token = %(token)s {LINK_WORKS}"""


def _record(kind, judgement, conditions, *, after=None, params=None, **request):
    """Record one open or click: [(invitation id, campaign slug, verdict, reason)], empty for an unknown token (or
    a link that does not work). Deferred (``campaigns.tracking.buffer``), it returns nothing and ``after`` gets
    the rows once they are written."""
    params = params or _params(kind, judgement, **request)
    sql = _statement(connection.vendor, kind, conditions, judgement.burst is not None)
    if buffer.deferred():
        buffer.buffer.add(sql, params, after)
        return None
    if connection.vendor == "postgresql":
        return execute_async_commit(sql, params, fetch=True)
    with transaction.atomic():  # SQLite: the same pieces, one after the other
        rows = execute_async_commit(sql, params, fetch=True)
        for pk, _slug, verdict, reason in rows:
            counters = COUNTERS[kind].replace("{verdict}", "%(judged_verdict)s")
            execute_async_commit(
                f"UPDATE {INVITATIONS} SET {counters} WHERE id = %(pk)s AND {{async_commit}}",
                {**params, "judged_verdict": verdict, "pk": pk},
            )
            TrackingEvent.objects.create(
                invitation_id=pk, kind=kind, at=request["now"], verdict=verdict, reason=reason,
                target=params["target"], agent=params["agent"], network=params["network"],
            )  # fmt: skip
    return rows


def record_open(token, *, user_agent="", address="", method="GET", now=None):
    """Count a fetch of the pixel, with its verdict. Returns whether the token was known."""
    if not TOKEN.match(token or ""):
        return False
    judgement = classify_open(user_agent or "", address or "", method)
    request = {"token": token, "now": now or timezone.now(), "agent": user_agent, "address": address, "target": ""}
    rows = _record(Kind.OPEN, judgement, "", **request)
    return True if rows is None else bool(rows)  # deferred: known or not is learnt when written


def record_click(token, *, user_agent="", address="", method="GET", target="", now=None):
    """A fetch of a working personal link (raw, it is also an open), with its verdict. A click in a burst takes
    back the message's clicks just before it. Returns (invitation id, campaign slug), or None when the link does
    not work (then nothing is counted)."""
    if not TOKEN.match(token or ""):
        return None
    now = now or timezone.now()
    judgement = classify_click(user_agent or "", address or "", method)
    request = {"token": token, "now": now, "agent": user_agent, "address": address, "target": target}

    def take_back(rows):  # a click in a burst takes back the message's clicks just before it
        for pk, _slug, _verdict, reason in rows:
            if judgement.burst and reason == judgement.burst[1]:
                clicks_take_back(pk, around=now, reason=reason)

    if buffer.deferred():
        params = _params(Kind.CLICK, judgement, **request)
        link = execute_async_commit(LINK, params, fetch=True)
        if link:
            after = take_back if judgement.burst else None
            _record(Kind.CLICK, judgement, LINK_WORKS, after=after, params=params, **request)
        return link[0] if link else None
    rows = _record(Kind.CLICK, judgement, LINK_WORKS, **request)
    take_back(rows)
    return rows[0][:2] if rows else None


def record_decoy(token, *, user_agent="", address="", now=None):
    """A fetch of the hidden decoy link: only a program finds it. Kept as a scanner event, and the message's
    clicks within SCANNER_BURST_SECONDS of it are taken back (a click just after it is judged a burst when it
    comes). Returns whether the token was known."""
    if not TOKEN.match(token or ""):
        return False
    pk = Invitation.objects.filter(token=token).values_list("pk", flat=True).first()
    if pk is None:
        return False
    now = now or timezone.now()
    TrackingEvent.objects.create(
        invitation_id=pk, kind=Kind.DECOY, at=now, verdict=DECOY.verdict, reason=DECOY.reason, target="decoy",
        agent=(user_agent or "")[:AGENT_LENGTH], network=network_of(address or ""),
    )  # fmt: skip
    clicks_take_back(pk, around=now, reason=DECOY.reason)
    return True


def clicks_take_back(invitation_id, *, around, reason):
    """Judge as a scanner's the person clicks of an invitation within SCANNER_BURST_SECONDS of ``around``, and
    recompute its estimated-human firsts from the events left. Returns how many clicks were taken back."""
    window = timedelta(seconds=settings.SCANNER_BURST_SECONDS)
    taken = TrackingEvent.objects.filter(
        invitation_id=invitation_id,
        kind=Kind.CLICK,
        verdict=Verdict.PERSON,
        at__gte=around - window,
        at__lte=around + window,
    ).update(verdict=Verdict.SCANNER, reason=reason)
    if taken:
        human = TrackingEvent.objects.filter(invitation_id=OuterRef("pk"), verdict__in=TrackingEvent.HUMAN)

        def first(*kinds):
            return Subquery(human.filter(kind__in=kinds).order_by("at").values("at")[:1])

        Invitation.objects.filter(pk=invitation_id).update(
            first_human_click_at=first(Kind.CLICK), first_human_open_at=first(Kind.OPEN, Kind.CLICK)
        )
    return taken


def mark_responded(invitation, *, now=None):
    """The ambassador answered the survey, posted an idea or voted (called by surveys and ideas)."""
    if invitation.responded_at is not None:  # read with the visit: answered already, nothing to write
        return
    now = now or timezone.now()
    Invitation.objects.filter(pk=invitation.pk, responded_at__isnull=True).update(responded_at=now)
    invitation.responded_at = now


def unsubscribe(invitation, *, now=None):
    """Opt the ambassador out at once, from every campaign, and note it on this invitation."""
    now = now or timezone.now()
    ambassadors_opt_out([invitation.ambassador_id], when=now)
    Invitation.objects.filter(pk=invitation.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
