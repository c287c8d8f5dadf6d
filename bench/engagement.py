#!/usr/bin/env python
"""Time the engagement recompute (campaigns.engagement.recompute) on a big programme.

    .venv/bin/python bench/engagement.py [--ambassadors 1000000] [--events 10000000] [--campaigns 40]
                                         [--database-url postgres://postgres@127.0.0.1:5432/test]

A scratch PostgreSQL database (created beside the named one, dropped afterwards) gets ``--ambassadors``
ambassadors, ``--campaigns`` campaigns (each with a survey and a board) and ``--events`` contributions spread over
two years, written set-based in SQL: 5% ideas (a tenth of them adopted, with their status change), 70% votes, 10%
comments, 15% survey responses (each with its invitation), as pg_restore loads (plain indexes built afterwards,
foreign keys not checked row by row: ``bulk_load``); then VACUUM and ANALYZE. The recompute runs twice: the first
writes every score (inserts), the second a day later rewrites those that decayed (updates) and keeps the
history. Printed: the seconds of each, the ambassadors scored, and the peak resident memory of this process
(``ru_maxrss``: the work is the database's, the process holds no rows). Goal: each under 60 s and under 300 MB
at 1,000,000 ambassadors and 10,000,000 events. The last line is one JSON object with ``seconds`` (the slower
run) and ``peak_rss_mb``.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.send import scratch_database  # noqa: E402

TWO_YEARS = 2 * 365 * 86400


def django_setup(url, tmp):
    os.environ.update(
        {
            "DATABASE_URL": url,
            "VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "WARNING",
            "DEBUG": "0",
        }
    )
    import django

    django.setup()


def bulk_load(tables):
    """Around a fill of ``tables``, as pg_restore does: their plain indexes dropped and built afterwards in one sort
    each (constraint indexes, which the fill's ON CONFLICT needs, are kept), foreign keys not checked row by row
    (``session_replication_role = replica``: the bench writes consistent rows); then VACUUM ANALYZE, so that the
    recompute meets tables as autovacuum leaves them. Returns the function to call after the fill."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")

    def done():
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute(f"VACUUM {', '.join(tables)}")
            cursor.execute("ANALYZE")

    return done


def programme_fill(*, ambassadors, events, campaigns, now):
    """Ambassadors, campaigns with their surveys, and the contributions, set-based. Returns the counts."""
    from django.db import connection

    from campaigns.models import Ambassador, Campaign, Invitation
    from ideas.models import Comment, Idea, StatusChange, Vote
    from surveys.models import Response, Survey

    models = [Ambassador, Idea, StatusChange, Vote, Comment, Invitation, Response]
    loaded = bulk_load([model._meta.db_table for model in models])

    ideas, votes, comments = events * 5 // 100, events * 70 // 100, events * 10 // 100
    responses = events - ideas - votes - comments
    params = {"now": now, "span": TWO_YEARS, "n_amb": ambassadors, "n_camp": campaigns}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Ambassador._meta.db_table} (email, first_name, last_name, locale, region, age_band,
                                                    consent_at, created_at, updated_at)
            SELECT 'ambassadeur.' || n || '@exemple.fr', 'Prénom' || (n %% 997), 'Nom' || (n %% 1499), 'fr', 'bre',
                   '', %(now)s, %(now)s, %(now)s
            FROM generate_series(1, %(n_amb)s) AS n""",
            params,
        )
        first_amb = Ambassador.objects.order_by("pk").values_list("pk", flat=True).first()
        created = [
            Campaign.objects.create(
                slug=f"campagne-{number}",
                title=f"Campagne {number}",
                kind=Campaign.Kind.BOTH,
                status=Campaign.Status.CLOSED,
                launched_at=now - timedelta(days=730),
                closed_at=now,
            )
            for number in range(campaigns)
        ]
        surveys = [Survey.objects.create(campaign=campaign, title_fr=campaign.title).pk for campaign in created]
        params |= {"first_amb": first_amb, "camps": [campaign.pk for campaign in created], "surveys": surveys}
        params |= {"ideas": ideas, "votes": votes, "comments": comments, "responses": responses}
        cursor.execute(
            f"""
            INSERT INTO {Idea._meta.db_table} (campaign_id, kind, title, body, author_id, status, moderation,
                moderation_reason, pinned, vote_count, comment_count, trend, created_at, updated_at)
            SELECT (%(camps)s::bigint[])[1 + n %% %(n_camp)s], 'idea', 'Idée ' || n, '',
                   %(first_amb)s + (n * 7919) %% %(n_amb)s, CASE WHEN n %% 10 = 0 THEN 'planned' ELSE 'new' END,
                   'approved', '', false, 0, 0, 0, %(now)s - make_interval(secs => (n * 104729) %% %(span)s), %(now)s
            FROM generate_series(0::bigint, %(ideas)s - 1) AS n""",
            params,
        )
        cursor.execute(
            f"""
            INSERT INTO {StatusChange._meta.db_table} (idea_id, from_status, to_status, answer_fr, answer_en,
                created_at)
            SELECT id, 'new', 'planned', 'Retenue', '', created_at + interval '7 days'
            FROM {Idea._meta.db_table} WHERE status = 'planned'""",
        )
        first_idea = Idea.objects.order_by("pk").values_list("pk", flat=True).first()
        params["first_idea"] = first_idea
        # vote n = k * ideas + i: idea i, voter k steps of 104729 from the idea's own start: distinct pairs; written
        # idea by idea, so that the unique index (idea, ambassador) grows at its end rather than everywhere
        cursor.execute(
            f"""
            INSERT INTO {Vote._meta.db_table} (idea_id, ambassador_id, created_at)
            SELECT %(first_idea)s + i, %(first_amb)s + (i * 7919 + k * 104729) %% %(n_amb)s,
                   %(now)s - make_interval(secs => ((k * %(ideas)s + i) * 15485863::bigint) %% %(span)s)
            FROM generate_series(0::bigint, %(ideas)s - 1) AS i
            CROSS JOIN LATERAL generate_series(0::bigint, (%(votes)s - 1 - i) / %(ideas)s) AS k
            ON CONFLICT DO NOTHING""",
            params,
        )
        cursor.execute(
            f"""
            INSERT INTO {Comment._meta.db_table} (idea_id, author_id, body, moderation, moderation_reason,
                created_at)
            SELECT %(first_idea)s + (n * 31) %% %(ideas)s, %(first_amb)s + (n * 31337::bigint) %% %(n_amb)s,
                   'Bonne idée', 'approved', '', %(now)s - make_interval(secs => (n * 32452843::bigint) %% %(span)s)
            FROM generate_series(0::bigint, %(comments)s - 1) AS n""",
            params,
        )
        # invitation n: campaign n %% campaigns, ambassador distinct within a campaign
        cursor.execute(
            f"""
            INSERT INTO {Invitation._meta.db_table} (campaign_id, ambassador_id, token, status, created_at,
                sent_at, responded_at)
            SELECT (%(camps)s::bigint[])[1 + n %% %(n_camp)s],
                   %(first_amb)s + ((n / %(n_camp)s) * 13 + (n %% %(n_camp)s) * 50021) %% %(n_amb)s,
                   md5(n::text) || md5((n + 1)::text), 'sent', at, at, at + interval '1 day'
            FROM (SELECT n, %(now)s - make_interval(secs => (n * 49979687::bigint) %% %(span)s) AS at
                  FROM generate_series(0::bigint, %(responses)s - 1) AS n) AS moments""",
            params,
        )
        cursor.execute(
            f"""
            INSERT INTO {Response._meta.db_table} (survey_id, invitation_id, locale, started_at, updated_at,
                submitted_at, resume_page)
            SELECT (%(surveys)s::bigint[])[array_position(%(camps)s::bigint[], campaign_id)], id, 'fr',
                   responded_at, responded_at, responded_at, 1
            FROM {Invitation._meta.db_table}""",
            params,
        )
    loaded()
    return {
        "ambassadors": ambassadors,
        "ideas": ideas,
        "votes": Vote.objects.count(),
        "comments": comments,
        "responses": responses,
    }


STAGES = ["_create_scores", "_write_scores", "_write_history", "_queue_tier_emails", "tier_counts"]


def stages_timed(module, spent):
    """Wrap the recompute's stages so that their seconds add up in ``spent`` (printed per run)."""
    for name in STAGES:
        original = getattr(module, name)

        def timed(*args, _original=original, _name=name, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] = round(spent.get(_name, 0) + time.perf_counter() - started, 2)

        setattr(module, name, timed)


def measure(args, url, tmp):
    django_setup(url, tmp)
    from django.core.management import call_command
    from django.utils import timezone

    from campaigns.engagement import recompute as module
    from campaigns.engagement.recompute import recompute

    spent = {}
    stages_timed(module, spent)

    call_command("migrate", verbosity=0)
    now = timezone.now()
    started = time.perf_counter()
    counts = programme_fill(ambassadors=args.ambassadors, events=args.events, campaigns=args.campaigns, now=now)
    print(f"{counts} written in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    first = recompute(now=now)
    print(f"first recompute: {first.seconds:.1f} s, {first.scored} scored, {first.changed} written", file=sys.stderr)
    print(f"  stages: {spent}", file=sys.stderr)
    spent.clear()
    second = recompute(now=now + timedelta(days=1))
    print(f"a day later: {second.seconds:.1f} s, {second.changed} rewritten", file=sys.stderr)
    print(f"  stages: {spent}", file=sys.stderr)
    return counts, first, second


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ambassadors", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--campaigns", type=int, default=40)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("bench/engagement.py measures on PostgreSQL: give --database-url postgres://...")
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = scratch_database(args.database_url, tmp, f"bench_engagement_{os.getpid()}")
        try:
            counts, first, second = measure(args, url, tmp)
        finally:
            drop()
    peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    result = {
        **counts,
        "events": counts["ideas"] + counts["votes"] + counts["comments"] + counts["responses"],
        "scored": first.scored,
        "first_seconds": first.seconds,
        "next_day_seconds": second.seconds,
        "seconds": max(first.seconds, second.seconds),
        "peak_rss_mb": peak,
    }
    print(
        f"recompute of {result['ambassadors']} ambassadors and {result['events']} events: {result['seconds']} s, "
        f"peak RSS {peak} MB",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
