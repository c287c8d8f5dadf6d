#!/usr/bin/env python
"""Many ambassadors at once against a live server: each follows their personal link, answers a two-page survey,
opens the idea board and votes for ideas, all concurrently, through gunicorn on PostgreSQL.

    python bench/load.py [--ambassadors 200] [--votes 5] [--database-url postgres://...] [--workers N --threads N]
                         [--forms] [--port N] [--timeline steps.csv]

A scratch PostgreSQL database (created beside the named one and named after it, dropped afterwards) gets ``--ambassadors`` invited
ambassadors of a live survey-and-ideas campaign (emails not sent: invitations marked sent), a survey of two
pages (a single choice and a short text, then a 0-10 score) and a board of 20 ideas. gunicorn serves the project
with the repository's gunicorn.conf.py (its worker, its defaults for the machine; ``--workers`` and
``--threads`` override them), started by this interpreter (``sys.executable -m gunicorn``). One thread per
ambassador, all released together, does what a person does in a browser (``bench/load_client.py``: its own
connection, kept alive while the server keeps it, its own cookies and the CSRF token read from each form):

    GET /i/<token>/ (personal link) -> GET /s/<slug>/ -> POST page 1 -> POST page 2 (submit) -> GET /b/<slug>/
    -> POST a vote on ``--votes`` ideas drawn at random -> POST one of them again (a second click)

Each step follows its redirects, as a browser does. A vote is sent as the board's script sends it (``Accept:
application/json``, answered with the new count); with ``--forms``, as a form without JavaScript (then the
redirect to the board, anchored, is followed). A 503 (the queueing limit, ``config.middleware``) is sent again
after its ``Retry-After``, as the page's script does, for up to SHED_PATIENCE seconds, and counted apart ("shed");
any other error is an error. (The client's threads share the machine with the server: it is written to cost
about 1 ms of CPU per step, where urllib's opener cost 1.6 ms and, at 2,000 threads, far more.)

Then the database is checked: one submitted response per ambassador with exactly its three answers, as sent,
and every idea's vote count equal to its votes and to the votes cast (the second click counts nothing).
Printed: steps per second over the whole run; per kind of step, p50 and p99 latency and, from each response's
``Server-Timing`` header (SERVER_TIMING=1), the time its requests spent in the database (p50, p99) and their
queries; errors; CPU milliseconds per step of the client (this process), the server (gunicorn's processes, their
start left out), the database (the PostgreSQL processes serving the scratch database) and the whole machine
(other people's work included: what is left after the three is the noise of a shared machine). The last line is
one JSON object: ambassadors, steps, seconds, steps_per_s, p50_ms, p99_ms, errors, shed, responses_ok, votes_ok,
cpu_ms_per_step, and per step its figures. ``--timeline`` writes every step's start, duration and kind (the
tail over time: a queue that is fair gives every step of a moment about the same wait). The exit status is 1 when anything was lost or
counted twice, or a request failed.
"""

import argparse
import json
import os
import random
import resource
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load_client  # noqa: E402
from bench.load_client import Visitor  # noqa: E402
from bench.send import free_port, scratch_database  # noqa: E402
from bench.track import SETTINGS_MODULE, TRIVIAL, URLS_MODULE, get_status  # noqa: E402

SLUG = "charge"
IDEAS = 20


def build(ambassadors):
    """The campaign, its survey, its board and its invitations; returns (tokens, {question code: pk}, idea pks)."""
    from django.db import connection
    from django.utils import timezone

    from campaigns.database.tokens import token_sql
    from campaigns.models import Ambassador, Campaign, Invitation
    from ideas.models import Board, Idea
    from surveys.models import Choice, Question, Section, Survey

    now = timezone.now()
    Ambassador.objects.bulk_create(
        Ambassador(email=f"charge{number}@exemple.fr", first_name=f"Amb{number}", region="bre", consent_at=now)
        for number in range(ambassadors)
    )
    campaign = Campaign.objects.create(
        slug=SLUG,
        title="Charge",
        kind=Campaign.Kind.BOTH,
        status=Campaign.Status.LIVE,
        launched_at=now,
        opens_at=now,
        closes_at=now + timezone.timedelta(days=7),
        subject_fr="x",
        body_fr="{lien}",
    )
    survey = Survey.objects.create(campaign=campaign, title_fr="Charge")
    first, second = (Section.objects.create(survey=survey, sort_order=n, title_fr=f"Page {n + 1}") for n in range(2))
    usage = Question.objects.create(
        survey=survey,
        section=first,
        sort_order=0,
        code="usage",
        required=True,
        kind=Question.Kind.SINGLE,
        text_fr="Usage ?",
    )
    for order, code in enumerate(("jour", "semaine", "mois")):
        Choice.objects.create(question=usage, sort_order=order, code=code, label_fr=code)
    words = Question.objects.create(
        survey=survey, section=first, sort_order=1, code="mot", kind=Question.Kind.SHORT_TEXT, text_fr="Un mot ?"
    )
    score = Question.objects.create(
        survey=survey,
        section=second,
        sort_order=0,
        code="note",
        required=True,
        kind=Question.Kind.NPS,
        text_fr="Recommanderiez-vous ?",
    )
    Board.objects.create(campaign=campaign)
    ideas = [Idea.objects.create(campaign=campaign, title=f"Idée numéro {number}").pk for number in range(IDEAS)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Invitation._meta.db_table} (campaign_id, ambassador_id, token, status, sent_at, created_at) "
            f"SELECT %s, id, {token_sql()}, 'sent', %s, %s "
            f"FROM {Ambassador._meta.db_table}",
            [campaign.pk, now, now],
        )
    tokens = list(
        Invitation.objects.filter(campaign=campaign).order_by("ambassador_id").values_list("ambassador__email", "token")
    )
    return tokens, {"usage": usage.pk, "mot": words.pk, "note": score.pk}, ideas


def journey(visitor, token, fields, ideas, votes, rng, answers, forms=False):
    visitor.request("link", f"/i/{token}/")
    _text, csrf = visitor.request("survey", f"/s/{SLUG}/")
    usage, word, note = rng.choice(["jour", "semaine", "mois"]), f"mot{rng.randrange(1000)}", rng.randrange(11)
    _text, csrf = visitor.request(
        "page 1", f"/s/{SLUG}/1/", {f"q{fields['usage']}": usage, f"q{fields['mot']}": word, "action": "next"}, csrf
    )
    _text, csrf = visitor.request("page 2", f"/s/{SLUG}/2/", {f"q{fields['note']}": note, "action": "next"}, csrf)
    answers[token] = (usage, word, note)
    _text, csrf = visitor.request("board", f"/b/{SLUG}/")
    chosen = rng.sample(ideas, votes)
    script = None if forms else {"Accept": "application/json"}
    for pk in chosen:
        _text, csrf = visitor.request(
            "vote", f"/b/{SLUG}/{pk}/vote/", {"action": "vote", "back": "board"}, csrf, script
        )
    visitor.request("vote again", f"/b/{SLUG}/{chosen[0]}/vote/", {"action": "vote", "back": "board"}, csrf, script)
    return chosen


def gunicorn_start(tmp, port, workers=None, threads=None):
    """gunicorn with the repository's gunicorn.conf.py, run by this interpreter, serving the project with bench
    settings (static files from the apps, ``/bench-trivial/``); returns the process once it answers."""
    (Path(tmp) / "bench_load_settings.py").write_text(
        SETTINGS_MODULE.replace("bench_track_urls", "bench_load_urls")
        + 'STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}\n'
    )
    (Path(tmp) / "bench_load_urls.py").write_text(URLS_MODULE)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench_load_settings", "PYTHONPATH": f"{tmp}:{ROOT}"}
    env.update({"WEB_BIND": f"127.0.0.1:{port}", "SERVER_TIMING": "1"})
    if workers:
        env["WEB_WORKERS"] = str(workers)
    if threads:
        env["WEB_THREADS"] = str(threads)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--chdir", str(ROOT)], env=env
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get_status(port, TRIVIAL) == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer on /bench-trivial/ within 60 s")


def check(tokens, fields, answers, cast):
    """(responses_ok, votes_ok, problems) from the database: problems with responses first, then with votes."""
    from django.db.models import Count

    from campaigns.models import Invitation
    from ideas.models import Idea, Vote
    from surveys.models import Answer, Response

    problems = []
    submitted = Response.objects.filter(submitted_at__isnull=False).count()
    if submitted != len(tokens) or Response.objects.count() != len(tokens):
        problems.append(f"{submitted} submitted responses of {Response.objects.count()} for {len(tokens)} ambassadors")
    stored = defaultdict(dict)
    for token, question, choice, number, text in Answer.objects.values_list(
        "response__invitation__token", "question_id", "choice__code", "number", "text"
    ):
        value = choice if question == fields["usage"] else int(number) if question == fields["note"] else text
        if question in stored[token]:
            problems.append(f"two answers to question {question} for {token[:8]}")
        stored[token][question] = value
    for token, (usage, word, note) in answers.items():
        if stored[token] != {fields["usage"]: usage, fields["mot"]: word, fields["note"]: note}:
            problems.append(f"answers of {token[:8]}: {stored[token]} instead of {(usage, word, note)}")
    if Invitation.objects.filter(responded_at__isnull=True).exists():
        problems.append("invitations not marked answered")
    responses_ok, found = not problems, len(problems)
    counted = dict(Idea.objects.values_list("pk", "vote_count"))
    votes = dict(Vote.objects.values_list("idea").annotate(n=Count("pk")).order_by())
    expected = defaultdict(int)
    for chosen in cast:
        for pk in chosen:
            expected[pk] += 1
    for pk, count in counted.items():
        if count != votes.get(pk, 0) or count != expected.get(pk, 0):
            problems.append(f"idea {pk}: vote_count {count}, votes {votes.get(pk, 0)}, cast {expected.get(pk, 0)}")
    votes_ok = len(problems) == found
    return responses_ok, votes_ok, problems


def measure(args, tmp, url):
    os.environ.update(
        {
            "DATABASE_URL": url,
            "VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "0",
            "IDEAS_PER_HOUR": "1000",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    tokens, fields, ideas = build(args.ambassadors)
    connection.close()
    port = args.port or free_port()
    children = cpu_children()
    # pages render templates: static files straight from the apps, no collectstatic run needed for the bench
    server = gunicorn_start(tmp, port, args.workers, args.threads)
    started_cpu = cpu_of([server.pid, *child_pids(server.pid)])  # the server's start, not counted
    try:
        run = drive(args, port, tokens, fields, ideas)
        run["cpu"]["database"] = cpu_of(backend_pids(url))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    run["cpu"]["server"] = cpu_children() - children - started_cpu
    run["responses_ok"], run["votes_ok"], run["problems"] = check(tokens, fields, run["answers"], run["cast"])
    return run


def drive(args, port, tokens, fields, ideas):
    """Every ambassador's journey at once, one thread each; the figures and the client's and machine's CPU."""
    run = {"timings": defaultdict(list), "database": defaultdict(list), "errors": [], "shed": []}
    run.update(answers={}, cast=[])
    barrier = threading.Barrier(len(tokens) + 1)
    lock = threading.Lock()

    def one(number, token):
        rng = random.Random(number)
        visitor = Visitor(port, run["timings"], run["database"], run["errors"], run["shed"])
        barrier.wait()
        try:
            chosen = journey(visitor, token, fields, ideas, args.votes, rng, run["answers"], args.forms)
        except Exception as exc:  # noqa: BLE001 - counted, and the checks below say what was lost
            run["errors"].append(("exception", repr(exc)))
            return
        finally:
            visitor.close()
        with lock:
            run["cast"].append(chosen)

    threading.stack_size(256 * 1024)  # 2,000 threads that only wait on sockets: no need for 8 MB stacks each
    threads = [threading.Thread(target=one, args=(number, token)) for number, (_email, token) in enumerate(tokens)]
    for thread in threads:
        thread.start()
    barrier.wait()  # every thread started and waiting: the clocks start with the first request
    started, client, machine = time.perf_counter(), cpu_self(), cpu_machine()
    for thread in threads:
        thread.join()
    run["seconds"] = time.perf_counter() - started
    run["cpu"] = {"client": cpu_self() - client, "machine": cpu_machine() - machine}
    return run


def cpu_self():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_machine():
    """Seconds of CPU the whole machine spent busy (every core; other people's work included)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ticks = [int(field) for field in fields]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def cpu_of(pids):
    """Seconds of CPU the processes ``pids`` have spent so far (those gone meanwhile count nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def child_pids(parent):
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def backend_pids(url):
    """The PostgreSQL server processes serving the scratch database (the web threads' persistent connections)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        rows = admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]).fetchall()
    return [pid for (pid,) in rows]


def percentile(ordered, fraction):
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ambassadors", type=int, default=200)
    parser.add_argument("--votes", type=int, default=5, help="ideas each ambassador votes for (at most 20)")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--workers", type=int, help="gunicorn processes (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, help="threads per process (default: gunicorn.conf.py's)")
    parser.add_argument("--forms", action="store_true", help="vote with forms, as without JavaScript")
    parser.add_argument("--port", type=int, help="gunicorn's port on 127.0.0.1 (default: any free one)")
    parser.add_argument("--timeline", help="write every step's start (s), seconds and kind to this CSV file")
    args = parser.parse_args()
    if args.timeline:
        load_client.TRACE = []
    if not args.database_url.startswith("postgres"):
        raise SystemExit("bench/load.py runs on PostgreSQL: --database-url postgres://...")
    # the scratch database is named after the one given (h_me -> h_me_load_<pid>): whoever shares the server
    # knows whose it is
    name = f"{urllib.parse.urlsplit(args.database_url).path.strip('/') or 'bench'}_load_{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = scratch_database(args.database_url, tmp, name)
        try:
            run = measure(args, tmp, url)
        finally:
            drop()
    result = summary(args, run)
    if args.timeline:
        first = min(start for start, _seconds, _step in load_client.TRACE)
        Path(args.timeline).write_text(
            "".join(f"{start - first:.3f},{seconds:.3f},{step}\n" for start, seconds, step in sorted(load_client.TRACE))
        )
    print(json.dumps(result))
    if run["errors"] or run["problems"]:
        sys.exit(1)


def per_step(timings, database):
    steps = {}
    for step, values in timings.items():
        values.sort()
        spent = sorted(ms for ms, _queries in database[step])
        queries = statistics.mean(queries for _ms, queries in database[step])
        steps[step] = {
            "count": len(values),
            "p50_ms": round(1000 * statistics.median(values)),
            "p99_ms": round(1000 * percentile(values, 0.99)),
            "db_p50_ms": round(statistics.median(spent), 1),
            "db_p99_ms": round(percentile(spent, 0.99), 1),
            "queries": round(queries, 1),
        }
        print(
            f"{step}: {len(values)} steps, p50 {steps[step]['p50_ms']} ms, p99 {steps[step]['p99_ms']} ms; "
            f"in the database p50 {steps[step]['db_p50_ms']} ms, p99 {steps[step]['db_p99_ms']} ms, "
            f"{queries:.1f} queries",
            file=sys.stderr,
        )
    return steps


def summary(args, run):
    """The figures printed for a person (stderr) and returned for the JSON line."""
    steps = per_step(run["timings"], run["database"])
    every = sorted(value for values in run["timings"].values() for value in values)
    for step, status in run["errors"][:5]:
        print(f"ERROR: {step}: {status}", file=sys.stderr)
    for problem in run["problems"][:20]:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    seconds, errors, shed = run["seconds"], run["errors"], run["shed"]
    cpu = {part: round(1000 * spent / max(len(every), 1), 1) for part, spent in run["cpu"].items()}
    result = {
        "ambassadors": args.ambassadors,
        "steps": len(every),
        "seconds": round(seconds, 1),
        "steps_per_s": round(len(every) / seconds),
        "p50_ms": round(1000 * statistics.median(every)),
        "p99_ms": round(1000 * percentile(every, 0.99)),
        "errors": len(errors),
        "shed": len(shed),
        "responses_ok": run["responses_ok"],
        "votes_ok": run["votes_ok"],
        "workers": args.workers,
        "threads": args.threads,
        "forms": args.forms,
        "cpu_ms_per_step": cpu,
        "per_step": steps,
    }
    print(
        f"{args.ambassadors} ambassadors at once: {result['steps']} steps in {result['seconds']} s "
        f"({result['steps_per_s']} steps/s), p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, {len(errors)} errors, "
        f"{len(shed)} requests shed (503) and sent again; "
        f"responses stored once: {run['responses_ok']}; votes counted once: {run['votes_ok']}; CPU ms per step: "
        f"client {cpu['client']}, server {cpu['server']}, database {cpu['database']}, "
        f"machine {cpu['machine']} (every process, others' too)",
        file=sys.stderr,
    )
    return result


if __name__ == "__main__":
    main()
