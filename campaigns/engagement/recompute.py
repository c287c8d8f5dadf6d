"""The recompute: every ambassador's score and tier from all registered contributions, in a few set-based
statements whatever the number of ambassadors (no loop over people in Python).

Score = the points of each contribution (``ENGAGEMENT_WEIGHTS[kind]``: depth), halved every
``ENGAGEMENT_HALF_LIFE_DAYS`` days since it happened (decay); plus, per campaign taken part in, the ``campaign``
weight halved likewise from the last contribution to it (frequency); plus the ``recency`` weight halved every
``ENGAGEMENT_RECENCY_DAYS`` days since the last contribution of all (recency). Rounded to a tenth of a point.

Scores, history and tier emails hold no foreign key in the database (PostgreSQL would check each of the million
rows one at a time): the recompute locks the tiers it reads until it commits, and first removes the rows of
ambassadors deleted since the last recompute (``_orphans_remove``).

1. one query aggregates all contributions per ambassador and campaign, then per ambassador, into a temporary table;
2. one upsert writes the scores and tiers that changed (tier: the highest whose threshold the score reaches);
3. one update brings to 0 the ambassadors who no longer have any contribution (detached by retention, erased);
4. one insert copies to the history the scores that moved ``ENGAGEMENT_HISTORY_STEP`` points or changed tier.
"""

import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from campaigns.engagement.reads import tier_counts
from campaigns.engagement.sources import registered
from campaigns.models import Ambassador, EngagementHistory, EngagementRun, EngagementScore, Tier, TierEmail

TEMP_TABLE = "engagement_now"
# For the aggregate, the one statement that needs them (the others aggregate nothing big). Nearly one (ambassador,
# campaign) group per contribution: the planner cannot tell (it guesses 200 groups), hashes them twice and spills;
# sorted once by (ambassador, campaign), both groupings stream. Not in parallel: partial aggregates in workers
# reduce nothing here and the leader merged all the rows again. JIT compiling cost more than it saved. At 1M
# ambassadors and 10M contributions on a loaded machine: 113 s hashed in parallel, 61-72 s sorted in parallel,
# 53 s sorted serially (README).
PLANNER_SETTINGS = (
    "SET LOCAL work_mem = '256MB'; SET LOCAL jit = off; SET LOCAL enable_hashagg = off;"
    " SET LOCAL max_parallel_workers_per_gather = 0"
)
ORPHANED = [EngagementHistory, TierEmail, EngagementScore]


ANALYZE_AFTER = 10_000  # rows changed by a recompute after which its tables get fresh statistics


def tier_emails_enqueue():
    from django_q.tasks import async_task

    async_task("campaigns.tasks.tier_emails")


def _age_days(column):
    """SQL for the days from ``column`` to the recompute's moment (one %s parameter), never negative."""
    if connection.vendor == "postgresql":
        # in double precision: EXTRACT gives a numeric (slow, and power() of it many times slower), date_part a double
        return f"GREATEST(date_part('epoch', %s - {column}) / 86400.0, 0)"
    return f"max(julianday(%s) - julianday({column}), 0)"


def _halved(column):
    """SQL for 0.5 to the power of (the age of ``column`` in days / %s): parameters the moment, then the days."""
    return f"power(CAST(0.5 AS double precision), {_age_days(column)} / %s)"


def _events_sql(weights):
    """One SELECT of every contribution: ambassador, campaign, points, moment; and its parameters."""
    parts, params = [], []
    for source in registered():
        sql, source_params = source.select()
        parts.append(
            f"SELECT e.ambassador_id, e.campaign_id, %s AS weight, e.occurred_at FROM ({sql}) e "
            "WHERE e.ambassador_id IS NOT NULL"
        )
        params += [float(weights.get(source.kind, 0)), *source_params]
    if not parts:
        return "SELECT NULL AS ambassador_id, NULL AS campaign_id, 0.0 AS weight, NULL AS occurred_at WHERE 1 = 0", []
    return " UNION ALL ".join(parts), params


def _tier_case(tiers, column):
    """SQL choosing the tier reached by ``column`` (tiers as (pk, threshold)); its parameters."""
    if not tiers:
        return "NULL", []
    whens, params = [], []
    for pk, threshold in sorted(tiers, key=lambda tier: -tier[1]):
        whens.append(f"WHEN {column} >= %s THEN %s")
        params += [threshold, pk]
    return f"CASE {' '.join(whens)} ELSE NULL END", params


def _tiers_locked(cursor):
    """[(pk, threshold)] of the tiers, which nobody can delete before the recompute commits (FOR KEY SHARE, the lock a
    foreign key check takes; SQLite locks the whole database anyway)."""
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    cursor.execute(f"SELECT id, threshold FROM {Tier._meta.db_table}{lock}")
    return [tuple(row) for row in cursor.fetchall()]


def _orphans_remove(cursor):
    """Remove the scores, history and tier emails of ambassadors deleted without them (a deletion outside Django's
    cascade, or one during the last recompute); one anti-join, then nothing in the usual case. Returns how many."""
    cursor.execute(
        f"SELECT s.ambassador_id FROM {EngagementScore._meta.db_table} s WHERE NOT EXISTS "
        f"(SELECT 1 FROM {Ambassador._meta.db_table} a WHERE a.id = s.ambassador_id)"
    )
    gone = [row[0] for row in cursor.fetchall()]
    if not gone:
        return 0
    return sum(model.objects.filter(ambassador_id__in=gone).delete()[0] for model in ORPHANED)


def _create_scores(cursor, now):
    weights = settings.ENGAGEMENT_WEIGHTS
    half_life = float(max(settings.ENGAGEMENT_HALF_LIFE_DAYS, 1))
    recency_days = float(max(settings.ENGAGEMENT_RECENCY_DAYS, 1))
    events, params = _events_sql(weights)
    sql = (
        f"CREATE TEMP TABLE {TEMP_TABLE} AS "
        f"WITH events AS ({events}), "
        "per_campaign AS ("
        f" SELECT ambassador_id, campaign_id, SUM(weight * {_halved('occurred_at')}) AS points,"
        " MAX(occurred_at) AS last_at FROM events GROUP BY ambassador_id, campaign_id), "
        "per_ambassador AS ("
        f" SELECT ambassador_id, SUM(points) + %s * SUM({_halved('last_at')}) AS raw,"
        " MAX(last_at) AS last_at FROM per_campaign GROUP BY ambassador_id) "
        "SELECT ambassador_id, last_at,"
        f" floor((raw + %s * {_halved('last_at')}) * 10 + 0.5) / 10.0 AS score "
        "FROM per_ambassador"
    )
    params += [now, half_life, float(weights.get("campaign", 0)), now, half_life]
    params += [float(weights.get("recency", 0)), now, recency_days]
    cursor.execute(sql, params)
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {TEMP_TABLE}")
    cursor.execute(f"SELECT COUNT(*) FROM {TEMP_TABLE}")
    return cursor.fetchone()[0]


def _write_scores(cursor, now, tiers):
    table = EngagementScore._meta.db_table
    step = float(settings.ENGAGEMENT_HISTORY_STEP)
    tier_case, tier_params = _tier_case(tiers, "n.score")
    record = "(s.tier_id IS DISTINCT FROM excluded.tier_id OR abs(excluded.score - s.recorded_score) >= %s)"
    cursor.execute(
        f"INSERT INTO {table} AS s (ambassador_id, score, tier_id, last_activity_at, tier_changed_at, recorded_score,"
        " recorded_at, computed_at) "
        f"SELECT n.ambassador_id, n.score, {tier_case}, n.last_at, %s, n.score, %s, %s FROM {TEMP_TABLE} n "
        "WHERE true "  # SQLite: an upsert's SELECT needs a WHERE for its ON CONFLICT to parse
        "ON CONFLICT (ambassador_id) DO UPDATE SET score = excluded.score, tier_id = excluded.tier_id,"
        " last_activity_at = excluded.last_activity_at,"
        " tier_changed_at = CASE WHEN s.tier_id IS DISTINCT FROM excluded.tier_id THEN excluded.computed_at"
        " ELSE s.tier_changed_at END,"
        f" recorded_score = CASE WHEN {record} THEN excluded.score ELSE s.recorded_score END,"
        f" recorded_at = CASE WHEN {record} THEN excluded.computed_at ELSE s.recorded_at END,"
        " computed_at = excluded.computed_at "
        "WHERE s.score <> excluded.score OR s.tier_id IS DISTINCT FROM excluded.tier_id"
        " OR s.last_activity_at IS DISTINCT FROM excluded.last_activity_at",
        [*tier_params, now, now, now, step, step],
    )
    changed = cursor.rowcount
    lowest = min(tiers, key=lambda tier: tier[1])[0] if tiers else None
    cursor.execute(
        f"UPDATE {table} SET score = 0, tier_id = %s,"
        " tier_changed_at = CASE WHEN tier_id IS DISTINCT FROM %s THEN %s ELSE tier_changed_at END,"
        " recorded_score = 0, recorded_at = %s, computed_at = %s "
        f"WHERE (score <> 0 OR tier_id IS DISTINCT FROM %s) AND NOT EXISTS "
        f"(SELECT 1 FROM {TEMP_TABLE} n WHERE n.ambassador_id = {table}.ambassador_id)",
        [lowest, lowest, now, now, now, lowest],
    )
    return changed + cursor.rowcount


def _write_history(cursor, now, run_id):
    cursor.execute(
        f"INSERT INTO {EngagementHistory._meta.db_table} (ambassador_id, run_id, score, tier_id, recorded_at) "
        f"SELECT ambassador_id, %s, score, tier_id, recorded_at FROM {EngagementScore._meta.db_table} "
        "WHERE recorded_at = %s",
        [run_id, now],
    )


def _queue_tier_emails(cursor, now, tiers):
    """One TierEmail per ambassador whose tier changed now to one above the lowest and above every tier they were
    told about before; returns how many."""
    if len(tiers) < 2:
        return 0
    lowest = min(threshold for _pk, threshold in tiers)
    emails, tier_table = TierEmail._meta.db_table, Tier._meta.db_table
    cursor.execute(
        f"INSERT INTO {emails} (ambassador_id, tier_id, status, skip_reason, created_at) "
        f"SELECT s.ambassador_id, s.tier_id, %s, '', %s FROM {EngagementScore._meta.db_table} s "
        f"JOIN {tier_table} t ON t.id = s.tier_id "
        "WHERE s.tier_changed_at = %s AND t.threshold > %s AND NOT EXISTS ("
        f" SELECT 1 FROM {emails} e JOIN {tier_table} told ON told.id = e.tier_id"
        " WHERE e.ambassador_id = s.ambassador_id AND told.threshold >= t.threshold) "
        "ON CONFLICT (ambassador_id, tier_id) DO NOTHING",
        [TierEmail.Status.QUEUED, now, now, lowest],
    )
    return cursor.rowcount


def recompute(now=None):
    """Recompute every score and tier as of ``now``; returns the ``EngagementRun`` it recorded."""
    now = now or timezone.now()
    started = time.monotonic()
    db_now = connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PLANNER_SETTINGS)
        tiers = _tiers_locked(cursor)
        _orphans_remove(cursor)
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP_TABLE}")
        scored = _create_scores(cursor, db_now)
        changed = _write_scores(cursor, db_now, tiers)
        if connection.vendor == "postgresql" and changed > ANALYZE_AFTER:
            # statistics taken before a first fill would plan the tier emails' NOT EXISTS row by row (minutes at 1M)
            cursor.execute(f"ANALYZE {EngagementScore._meta.db_table}")
        run = EngagementRun.objects.create(started_at=now, scored=scored, changed=changed)
        _write_history(cursor, db_now, run.pk)
        if _queue_tier_emails(cursor, db_now, tiers):
            transaction.on_commit(tier_emails_enqueue)
        cursor.execute(f"DROP TABLE {TEMP_TABLE}")
        run.tiers = {str(pk): count for pk, count in tier_counts().items()}
        run.seconds = round(time.monotonic() - started, 3)
        run.save(update_fields=["tiers", "seconds"])
    return run
