#!/usr/bin/env python
"""Time the idea board's list page on a big board.

    .venv/bin/python bench/ideas.py [--ideas 100000] [--votes 1000000] [--requests 300]
                                    [--database-url postgres://postgres@127.0.0.1:5432/test]

A scratch PostgreSQL database (created beside the named one, dropped afterwards) gets an ideation campaign
with 6 categories, ``--ideas`` published ideas by 100,000 ambassadors over the last 60 days and ``--votes``
votes (distinct voters per idea, skewed so some ideas lead), with the vote counts and trend columns computed
from the votes, then ANALYZE. One invited ambassador follows their personal link; the list page
``/b/<slug>/`` is then requested ``--requests`` times through Django's test client (the whole view and
template, no network), taking turns among: top, newest and trending order, a category, a status, page 5,
and a word search. Printed: p50 and p99 in milliseconds, overall and per kind of request; the goal is a page
under 100 ms. The last line is one JSON object.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.send import scratch_database  # noqa: E402

REQUESTS = {
    "top": "",
    "newest": "?sort=newest",
    "trending": "?sort=trending",
    "category": "?category=cat-2",
    "status": "?status=planned",
    "page 5": "?page=5",
    "search": "?q=virement+mobile",
}
AMBASSADORS = 100_000


def board_fill(*, ideas, votes):
    """The campaign, its board and categories, ambassadors, ideas and votes, set-based in SQL. Returns the
    invitation of the visiting ambassador."""
    from django.db import connection
    from django.utils import timezone

    from campaigns.audience.segments import add_to_static_segment
    from campaigns.models import Ambassador, Campaign, Invitation, Segment
    from campaigns.sending.launch import campaign_launch
    from ideas.models import Board, Category, Idea, Vote
    from ideas.voting import TAU

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Ambassador._meta.db_table} (email, first_name, last_name, locale, region, age_band,
                                                    consent_at, created_at, updated_at)
            SELECT 'ambassadeur.' || n || '@exemple.fr', 'Prénom' || (n %% 997), 'Nom' || (n %% 1499), 'fr', 'bre', '',
                   %(now)s, %(now)s, %(now)s
            FROM generate_series(1, %(count)s) AS n""",
            {"now": now, "count": AMBASSADORS},
        )
    campaign = Campaign.objects.create(
        slug="grand-tableau",
        title="Le grand tableau d'idées",
        kind=Campaign.Kind.IDEATION,
        subject_fr="{prenom}, vos idées",
        body_fr="Bonjour {prenom} : {lien}",
        closes_at=now + timezone.timedelta(days=30),
    )
    segment = Segment.objects.create(name="Visiteur", kind=Segment.Kind.STATIC)
    visitor = Ambassador.objects.order_by("pk").first()
    add_to_static_segment(segment, [visitor.pk])
    campaign.segments.set([segment])
    campaign_launch(campaign)
    board = Board.objects.create(campaign=campaign)
    Category.objects.bulk_create(
        Category(board=board, slug=f"cat-{n}", name_fr=f"Catégorie {n}", sort_order=n) for n in range(6)
    )
    first_category = Category.objects.filter(board=board).order_by("pk").values_list("pk", flat=True).first()
    first_ambassador = visitor.pk
    statuses = [status for status, _label in Idea.Status.choices]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Idea._meta.db_table} (campaign_id, category_id, kind, title, body, author_id, status,
                moderation, moderation_reason, pinned, vote_count, comment_count, trend, created_at, updated_at)
            SELECT %(campaign)s, %(category)s + (n %% 6), 'idea',
                   (ARRAY['Virement', 'Carte', 'Appli mobile', 'Épargne', 'Agence', 'Budget'])[1 + n %% 6]
                       || ' : idée numéro ' || n,
                   'Une description de l''idée ' || n || ' avec quelques mots sur le virement et la carte.',
                   %(first)s + (n %% %(ambassadors)s), (%(statuses)s::text[])[1 + (n / 7) %% 6], 'approved', '', false,
                   0, 0, 0, %(now)s - make_interval(secs => (n * 51.84)::int %% 5184000),
                   %(now)s
            FROM generate_series(1, %(ideas)s) AS n""",
            {
                "campaign": campaign.pk,
                "category": first_category,
                "first": first_ambassador,
                "ambassadors": AMBASSADORS,
                "statuses": statuses,
                "now": now,
                "ideas": ideas,
            },
        )
        first_idea = Idea.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True).first()
        # voter a casts votes k = 0.. on ideas (a * 37 + k * 101 + k * k) % ideas: distinct for one voter, and
        # the square skews some ideas ahead of others
        cursor.execute(
            f"""
            INSERT INTO {Vote._meta.db_table} (idea_id, ambassador_id, created_at)
            SELECT DISTINCT ON (idea, voter) idea, voter, at FROM (
                SELECT %(first_idea)s + ((a * 37 + k * 101 + k * k) %% %(ideas)s) AS idea, %(first)s + a AS voter,
                       %(now)s - make_interval(secs => ((a * 7919 + k * 104729) %% 5184000)) AS at
                FROM generate_series(0, %(voters)s - 1) AS a, generate_series(0, %(per_voter)s - 1) AS k
                LIMIT %(votes)s
            ) AS pairs""",
            {
                "first_idea": first_idea,
                "ideas": ideas,
                "first": first_ambassador,
                "now": now,
                "voters": min(AMBASSADORS, votes),
                "per_voter": -(-votes // AMBASSADORS),
                "votes": votes,
            },
        )
        cursor.execute(
            f"""
            UPDATE {Idea._meta.db_table} AS idea SET vote_count = counted.n, trend = counted.trend
            FROM (SELECT idea_id, count(*) AS n,
                         %(tau)s * ln(sum(exp((extract(epoch FROM created_at) - %(origin)s) / %(tau)s))) + %(origin)s AS trend
                  FROM {Vote._meta.db_table} GROUP BY idea_id) AS counted
            WHERE counted.idea_id = idea.id""",
            {"tau": TAU, "origin": now.timestamp()},
        )
        cursor.execute("ANALYZE")
    return Invitation.objects.get(campaign=campaign, ambassador=visitor)


def measure(args, url, tmp):
    os.environ.update(
        {
            "DATABASE_URL": url,
            "VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "testserver",
            "DEBUG": "0",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from ideas.models import Idea, Vote

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production settings serve hashed names
    started = time.perf_counter()
    invitation = board_fill(ideas=args.ideas, votes=args.votes)
    counts = (Idea.objects.count(), Vote.objects.count())
    print(f"{counts[0]} ideas and {counts[1]} votes in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    client = Client()
    assert client.get(f"/i/{invitation.token}/").status_code == 302
    board = f"/b/{invitation.campaign.slug}/"
    for query in REQUESTS.values():  # warm up: templates, caches, plans
        assert client.get(board + query).status_code == 200
    timings = {name: [] for name in REQUESTS}
    names = list(REQUESTS)
    for number in range(args.requests):
        name = names[number % len(names)]
        started = time.perf_counter()
        response = client.get(board + REQUESTS[name])
        timings[name].append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and b"idea-card" in response.content, name
    return timings, counts, connection.vendor


def percentile(values, share):
    return statistics.quantiles(values, n=100)[share - 1] if len(values) > 1 else values[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("bench/ideas.py measures on PostgreSQL: give --database-url postgres://...")

    with tempfile.TemporaryDirectory() as tmp:
        url, drop = scratch_database(args.database_url, tmp, f"bench_ideas_{os.getpid()}")
        try:
            timings, counts, database = measure(args, url, tmp)
        finally:
            drop()
    every = [value for values in timings.values() for value in values]
    for name, values in timings.items():
        print(f"{name}: p50 {statistics.median(values):.1f} ms, p99 {percentile(values, 99):.1f} ms", file=sys.stderr)
    result = {
        "ideas": counts[0],
        "votes": counts[1],
        "requests": len(every),
        "database": database,
        "p50_ms": round(statistics.median(every), 1),
        "p99_ms": round(percentile(every, 99), 1),
        "per_request": {
            name: {"p50_ms": round(statistics.median(values), 1), "p99_ms": round(percentile(values, 99), 1)}
            for name, values in timings.items()
        },
    }
    print(
        f"list page on {database}, {counts[0]} ideas, {counts[1]} votes: p50 {result['p50_ms']} ms, "
        f"p99 {result['p99_ms']} ms",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
