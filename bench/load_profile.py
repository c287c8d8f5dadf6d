#!/usr/bin/env python
"""Where one ambassador's journey step spends its time, in process (no server, no network): bench/load.py's
campaign on a scratch PostgreSQL database, each step of the journey run through Django's test client
``--repeat`` times by as many ambassadors, under cProfile, with its SQL queries captured.

    python bench/load_profile.py [--repeat 20] [--database-url postgres://...] [--top 25] [--explain]

Printed per step: requests (a step follows its redirects), queries per step, milliseconds per step (wall, CPU
time of this process, which a shared machine's other work does not inflate, both under cProfile; and in the
database as the captured queries tell), then the shares of its time by part (templates; the database: the ORM,
the driver and the wait for the server's answer; the cache; forms; sessions and signing; middleware; URL routing;
translation; Wagtail; the test client; Django's plumbing; the project's own code; the rest) and cProfile's top
functions by cumulative time. With ``--explain``, EXPLAIN ANALYZE of every distinct query of one ambassador's
journey.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import SLUG, build  # noqa: E402
from bench.send import scratch_database  # noqa: E402

SCRIPT = {"Accept": "application/json"}  # a vote as the board's script sends it


def steps(client, token, fields, ideas):
    """(name, callable) of one ambassador's journey, as bench/load.py's."""
    return [
        ("link", lambda: client.get(f"/i/{token}/", follow=True)),
        ("survey", lambda: client.get(f"/s/{SLUG}/", follow=True)),
        (
            "page 1",
            lambda: client.post(
                f"/s/{SLUG}/1/",
                {f"q{fields['usage']}": "jour", f"q{fields['mot']}": "mot", "action": "next"},
                follow=True,
            ),
        ),
        ("page 2", lambda: client.post(f"/s/{SLUG}/2/", {f"q{fields['note']}": 7, "action": "next"}, follow=True)),
        ("board", lambda: client.get(f"/b/{SLUG}/", follow=True)),
        ("vote", lambda: client.post(f"/b/{SLUG}/{ideas[0]}/vote/", {"action": "vote"}, headers=SCRIPT)),
        ("vote again", lambda: client.post(f"/b/{SLUG}/{ideas[0]}/vote/", {"action": "vote"}, headers=SCRIPT)),
        (
            "vote (form)",
            lambda: client.post(f"/b/{SLUG}/{ideas[1]}/vote/", {"action": "vote", "back": "board"}, follow=True),
        ),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one ambassador's steps")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = scratch_database(args.database_url, tmp, f"bench_profile_{os.getpid()}")
        os.environ.update(
            {
                "DATABASE_URL": url,
                "VAR_DIR": tmp,
                "DJANGO_SETTINGS_MODULE": "bench_profile_settings",
                "LOG_LEVEL": "WARNING",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "testserver",
                "DEBUG": "0",
                "IDEAS_PER_HOUR": "1000",
            }
        )
        # pages render templates: static files straight from the apps, no collectstatic run needed
        (Path(tmp) / "bench_profile_settings.py").write_text(
            "from config.settings import *  # noqa: F403\n"
            'STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}\n'
        )
        sys.path.insert(0, tmp)
        try:
            run(args)
        finally:
            drop()


def run(args):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    tokens, fields, ideas = build(args.repeat + 1)
    warm = Client()
    for _name, step in steps(warm, tokens[-1][1], fields, ideas):
        step()
    profiles, queries, seconds, requests, db_ms = {}, defaultdict(int), defaultdict(float), {}, defaultdict(float)
    cpu = defaultdict(float)
    journeys = []
    for _email, token in tokens[: args.repeat]:
        client = Client()
        client.handler = warm.handler  # one handler: its middleware is built once, as in a server's process
        journeys.append(steps(client, token, fields, ideas))
    for index in range(len(journeys[0])):
        name = journeys[0][index][0]
        profile = profiles.setdefault(name, cProfile.Profile())
        for journey in journeys:
            with CaptureQueriesContext(connection) as captured:
                started, cpu_started = time.perf_counter(), time.process_time()
                profile.enable()
                response = journey[index][1]()
                profile.disable()
                seconds[name] += time.perf_counter() - started
                cpu[name] += time.process_time() - cpu_started
            assert response.status_code < 400, (name, response.status_code)
            requests[name] = 1 + len(getattr(response, "redirect_chain", []))
            queries[name] += len(captured)
            db_ms[name] += sum(float(query["time"]) for query in captured.captured_queries) * 1000
            if args.queries and journey is journeys[0]:
                print(f"-- {name}")
                for query in captured.captured_queries:
                    print(f"   {(query['sql'] or '')[:400]}")
            if args.explain and journey is journeys[0]:
                explain(connection, name, captured.captured_queries)
    for name in profiles:
        n = args.repeat
        print(
            f"== {name}: {requests[name]} requests, {queries[name] / n:.1f} queries, "
            f"{1000 * seconds[name] / n:.1f} ms per step, {1000 * cpu[name] / n:.1f} ms of this process's CPU "
            f"({db_ms[name] / n:.1f} ms in the database, client side)"
        )
        print("   where its time goes: " + ", ".join(f"{part} {share:.0%}" for part, share in shares(profiles[name])))
        out = io.StringIO()
        pstats.Stats(profiles[name], stream=out).sort_stats("cumulative").print_stats(args.top)
        print(re.sub(r"/[^ ]*/site-packages/", "", out.getvalue().split("\n\n", 2)[-1]))


# Where a function's own time is counted: the first part whose mark its file's path holds; else the project's code
# (its own files), else "other" (Python's library and other packages).
PARTS = [
    ("templates", ("django/template", "templatetags", "django/utils/html", "django/utils/safestring")),
    ("database (the ORM, the driver, the server's answer)", ("psycopg", "django/db/")),
    ("the cache (its reads unpickled)", ("django/core/cache", "/redis/")),
    ("forms", ("django/forms",)),
    ("sessions, signing, cookies", ("django/contrib/sessions", "django/core/signing", "django/http/cookie")),
    ("middleware, request, response", ("django/core/handlers", "django/middleware", "django/http", "axes/",
                                       "whitenoise", "django/contrib/auth", "django/contrib/messages")),
    ("URL routing", ("django/urls",)),
    ("translation", ("django/utils/translation",)),
    ("Wagtail", ("wagtail/",)),
    ("the test client (no server's cost)", ("django/test/",)),
    ("Django's plumbing (settings, lazy objects, locals)", ("django/utils/functional", "asgiref/", "django/conf/",
                                                            "django/apps/", "django/dispatch")),
]  # fmt: skip


def part_of(path):
    for part, marks in PARTS:
        if any(mark in path for mark in marks):
            return part
    return "the project's code" if path.startswith(str(ROOT)) and "site-packages" not in path else "other"


def shares(profile):
    """[(part, share of the step's time under cProfile)] by where each function's own time was spent (``part_of``), largest first.
    A built-in's or the standard library's time (``str.join``, ``re``...) is counted with its callers', as they
    called it."""
    spent = defaultdict(float)
    for (path, _line, _function), timings in pstats.Stats(profile).stats.items():
        own, callers = timings[2], timings[4]
        if (path != "~" and not path.startswith(sys.base_prefix)) or not callers:
            spent[part_of(path)] += own
            continue
        called = sum(timing[2] for timing in callers.values()) or 1
        for (caller, _line, _function), timing in callers.items():
            spent[part_of(caller)] += own * timing[2] / called
    total = sum(spent.values()) or 1
    return sorted(((part, own / total) for part, own in spent.items()), key=lambda item: -item[1])


def explain(connection, name, captured):
    from django.db import transaction

    seen = set()
    for query in captured:
        sql = query["sql"] or ""
        if sql in seen or not sql.lstrip().upper().startswith(("SELECT", "UPDATE", "INSERT", "DELETE")):
            continue
        seen.add(sql)
        with transaction.atomic(), connection.cursor() as cursor:  # a write explained is rolled back
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) " + sql)
            plan = "\n    ".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
        print(f"-- {name}: {sql[:300]}\n    {plan}")


if __name__ == "__main__":
    main()
