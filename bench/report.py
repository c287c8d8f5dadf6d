#!/usr/bin/env python
"""Time a campaign's report page in the admin, first and second view, on a big campaign.

    .venv/bin/python bench/report.py [--invitations 1000000] [--responses N/10] [--questions 20]
                                     [--database-url postgres://postgres@127.0.0.1:5432/test] [--profile]

A scratch PostgreSQL database (created beside the named one, dropped afterwards) gets the campaign of
``bench/export.py`` (``--invitations`` invitations, a survey of ``--questions`` questions and ``--responses``
responses, set-based), then an analyst opens its report page through Django's test client, as a browser would:
the HTML, then every chart the page shows (``<img>`` of the report). Twice: the first view computes the figures
and draws the charts; the second reads them from the cache (``reports.report_cache``, the site's cache: local
memory here, Redis in production with ``CACHE_URL``).

What is measured: first_s and second_s, the wall time of the page and all its charts; page_first_s and
page_second_s, the HTML alone. Goal: second_s under 1 s at 1,000,000 invitations.

The last line is one JSON object: invitations, responses, charts, first_s, second_s, page_first_s, page_second_s.
"""

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.export import data_create, django_setup  # noqa: E402
from bench.send import scratch_database  # noqa: E402

IMAGE = re.compile(r'<img src="(/admin/campaign-reports/[^"]+)"')


def view(client, url):
    """(seconds for the page and all its charts, seconds for the page alone, number of charts)."""
    started = time.perf_counter()
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    html_seconds = time.perf_counter() - started
    charts = IMAGE.findall(page.content.decode())
    for chart in charts:
        response = client.get(chart)
        assert response.status_code == 200 and response["Content-Type"] == "image/png", (chart, response.status_code)
    return time.perf_counter() - started, html_seconds, len(charts)


def second_view_profile(client, url):
    """Print what a further view still does: its queries (count and the slowest) and its top functions."""
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as page_queries:
        client.get(url)
    print(f"further view of the page alone: {len(page_queries.captured_queries)} queries", file=sys.stderr)
    for query in page_queries.captured_queries:
        print(f"  {query['time']} s  {query['sql'][:140]}", file=sys.stderr)
    profile = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        profile.enable()
        view(client, url)
        profile.disable()
    print(f"further view: {len(queries.captured_queries)} queries", file=sys.stderr)
    for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:8]:
        print(f"  {query['time']} s  {query['sql'][:160]}", file=sys.stderr)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
    print(out.getvalue(), file=sys.stderr)


def measure(args, url, tmp):
    django_setup(url, tmp)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from campaigns.roles import ANALYST

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages name the hashed copies, as in production
    started = time.perf_counter()
    campaign = data_create(invitations=args.invitations, responses=args.responses, questions=args.questions)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM campaigns_invitation")
        invited = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM surveys_response")
        responses = cursor.fetchone()[0]
    print(f"{invited} invitations, {responses} responses in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    analyst = get_user_model().objects.create_user("analyste-bench", email="analyste@banque.example")
    analyst.groups.add(Group.objects.get(name=ANALYST))
    client = Client(HTTP_HOST="localhost")
    client.force_login(analyst)
    url = reverse("reports:campaign", args=[campaign.pk])
    first, page_first, charts = view(client, url)
    print(f"first view: {first:.2f} s ({page_first:.2f} s the page, {charts} charts)", file=sys.stderr)
    second, page_second, _charts = view(client, url)
    print(f"second view: {second:.3f} s ({page_second:.3f} s the page)", file=sys.stderr)
    if args.profile:
        second_view_profile(client, url)
    return {
        "invitations": invited,
        "responses": responses,
        "questions": args.questions,
        "database": connection.vendor,
        "charts": charts,
        "first_s": round(first, 3),
        "second_s": round(second, 3),
        "page_first_s": round(page_first, 3),
        "page_second_s": round(page_second, 3),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invitations", type=int, default=1_000_000)
    parser.add_argument("--responses", type=int, default=None, help="default: a tenth of the invitations")
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--profile", action="store_true", help="print a further view's queries and top functions")
    args = parser.parse_args()
    if args.responses is None:
        args.responses = args.invitations // 10
    if not args.database_url.startswith("postgres"):
        raise SystemExit("bench/report.py measures on PostgreSQL: give --database-url postgres://...")
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = scratch_database(args.database_url, tmp, f"bench_report_{os.getpid()}")
        try:
            result = measure(args, url, tmp)
        finally:
            drop()
    print(
        f"{result['invitations']} invitations on {result['database']}: report page and {result['charts']} charts "
        f"{result['first_s']} s at the first view, {result['second_s']} s at the second (goal: under 1 s)",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
