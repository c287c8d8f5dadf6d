#!/usr/bin/env python
"""Load the tracking endpoints under gunicorn and compare them with a trivial Django view on the same server.

    .venv/bin/python bench/track.py [--requests 20000] [--rounds 5] [--concurrency 32] [--workers 4] [--threads 2]
                                    [--database-url postgres://...]

A scratch database gets 10,000 ambassadors invited to a live campaign, their invitations marked sent an hour
ago. gunicorn serves the project's ``config.wsgi:application`` (gthread workers: by default 4 of 2 threads, two per
core of the 2-core machines this runs on, as the README's deployment advises) on a free
loopback port, with a settings module generated in the temporary folder whose URLconf is the project's plus
``/bench-trivial/`` (a plain ``HttpResponse("ok")`` behind the same middleware). Each endpoint gets ``--requests`` GETs on
``--concurrency`` keep-alive connections, with tokens drawn at random among the invitations:

- pixel: ``/t/o/<token>.gif`` (200 expected; ``open_count`` must grow by the number answered);
- click: the personal link ``/i/<token>/``, redirect not followed (302 expected);
- trivial: ``/bench-trivial/``, the baseline (200 expected).

Opens and clicks are written as in production, in batches off the request path (``TRACKING_FLUSH_MS``,
``campaigns.tracking.buffer``); the count of opens is read after gunicorn's graceful stop, so that what the
workers held on their way out is counted too.

The three take turns, ``--rounds`` times; each figure printed is the median over the rounds, and each ratio is
the median of the rounds' ratios, so that a slow spell of the machine does not land on one endpoint only.

The load comes from wrk when it is installed (each wrk thread stops after its share of the requests; requests
still in flight on its other connections then go unanswered, so the database may count up to --concurrency
opens more than wrk saw), otherwise from a thread per connection with http.client. Either way a run stops
after --max-seconds. Latencies are measured by the client; p99 is in milliseconds.

Without --database-url the scratch database is a SQLite file in a temporary folder; with a PostgreSQL URL, a
scratch database is created beside the named one and dropped afterwards. The last line is one JSON object.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.send import ambassadors_create, campaign_create, free_port, scratch_database  # noqa: E402

INVITED = 10_000
TRIVIAL = "/bench-trivial/"

SETTINGS_MODULE = """\
from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_track_urls"
"""

URLS_MODULE = """\
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project  # not include(): the project's own i18n_patterns must stay at the root


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [path("bench-trivial/", trivial), *project]
"""

# wrk: each thread takes random paths from the file named by BENCH_PATHS, counts statuses, says "stopped" on
# stderr and stops after its share of the requests; done() prints the figures as one JSON line.
WRK_SCRIPT = """\
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local threads = {}

function setup(thread)
  thread:set("seed", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(seed)
  limit, answered, statuses = tonumber(args[1]), 0, {}
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  answered = answered + 1
  if answered == limit then
    io.stderr:write("stopped\\n")
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do counts[status] = (counts[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(counts) do parts[#parts + 1] = string.format('"%d": %d', status, n) end
  local errors = summary.errors
  io.write(string.format('{"requests": %d, "seconds": %.6f, "p99_ms": %.3f, "errors": %d, "statuses": {%s}}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(99) / 1000,
    errors.connect + errors.read + errors.write + errors.timeout, table.concat(parts, ", ")))
end
"""


def invitations_create():
    """INVITED ambassadors invited to a live campaign, their emails sent an hour ago; returns their tokens."""
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.models import Invitation
    from campaigns.sending import senders
    from campaigns.sending.launch import campaign_launch

    ambassadors_create(INVITED)
    campaign = campaign_create()
    with mock.patch.object(senders, "senders_enqueue", lambda *args, **kwargs: None):
        campaign_launch(campaign)
    Invitation.objects.update(status=Invitation.Status.SENT, sent_at=timezone.now() - timedelta(hours=1))
    return list(Invitation.objects.values_list("token", flat=True))


def opens_counted():
    from django.db.models import Sum

    from campaigns.models import Invitation

    return Invitation.objects.aggregate(n=Sum("open_count"))["n"]


def gunicorn_start(tmp, port, workers, threads, *, settings=""):
    """gunicorn serving the project with the generated settings (plus ``settings``, Python lines); returns the
    process once it answers."""
    (Path(tmp) / "bench_track_settings.py").write_text(SETTINGS_MODULE + settings)
    (Path(tmp) / "bench_track_urls.py").write_text(URLS_MODULE)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench_track_settings", "PYTHONPATH": tmp}
    server = subprocess.Popen(
        [
            sys.executable,  # the interpreter running the bench, whatever environment it comes from
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--chdir",
            str(ROOT),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        env=env,
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


def get_status(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def load_python(port, paths, requests, concurrency, max_seconds):
    """``requests`` GETs of random ``paths``, one thread per keep-alive connection, stopped after ``max_seconds``."""
    deadline = time.monotonic() + max_seconds

    def client(count, seed):
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies, statuses = [], Counter()
        for _number in range(count):
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            try:
                connection.request("GET", rng.choice(paths))
                response = connection.getresponse()
                response.read()
                statuses[response.status] += 1
            except (OSError, http.client.HTTPException):
                statuses["error"] += 1
                connection.close()  # the next request opens a new connection
            latencies.append(time.perf_counter() - started)
        connection.close()
        return latencies, statuses

    shares = [requests // concurrency + (number < requests % concurrency) for number in range(concurrency)]
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(client, shares, range(concurrency)))
    seconds = time.perf_counter() - started
    latencies = sorted(latency for result, _statuses in results for latency in result)
    statuses = sum((statuses for _latencies, statuses in results), Counter())
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "p99_ms": statistics.quantiles(latencies, n=100)[98] * 1000,
        "statuses": dict(statuses),
        "unanswered": 0,
    }


def load_wrk(port, paths, requests, concurrency, max_seconds, tmp):
    """The same load from wrk. wrk runs for a set duration: once every thread has stopped, it is interrupted
    (SIGINT ends its wait early) so that its duration, hence its rate, covers the requests made."""
    threads = min(concurrency, os.cpu_count() or 1)
    script, paths_file = Path(tmp) / "bench.lua", Path(tmp) / "paths.txt"
    script.write_text(WRK_SCRIPT)
    paths_file.write_text("\n".join(paths) + "\n")
    wrk = subprocess.Popen(
        [
            shutil.which("wrk"),
            "-t",
            str(threads),
            "-c",
            str(concurrency),
            "-d",
            f"{max_seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
            "--",
            str(-(-requests // threads)),
        ],
        env={**os.environ, "BENCH_PATHS": str(paths_file)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stopped = 0
    for line in wrk.stderr:
        stopped += line.strip() == "stopped"
        if stopped == threads:
            wrk.send_signal(signal.SIGINT)
            break
    output, stderr = wrk.communicate()
    if wrk.returncode:
        raise SystemExit(f"wrk failed ({wrk.returncode}): {stderr}")
    result = json.loads(output.strip().splitlines()[-1])
    result["statuses"] = {int(status): n for status, n in result["statuses"].items()}
    errors = result.pop("errors")  # connections refused or reset, timeouts: not among the answers counted
    if errors:
        result["statuses"]["error"] = errors
    result["unanswered"] = concurrency
    return result


def measure(args, tmp, url):
    """Set the scratch database up, serve it with gunicorn and load each endpoint; returns (results, database, tool)."""
    os.environ.update(
        {
            "DATABASE_URL": url,
            "VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "0",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    tokens = invitations_create()
    connection.close()

    port = free_port()
    server = gunicorn_start(tmp, port, args.workers, args.threads)
    endpoints = {
        "pixel": ([f"/t/o/{token}.gif" for token in tokens], 200),
        "click": ([f"/i/{token}/" for token in tokens], 302),
        "trivial": ([TRIVIAL], 200),
    }
    tool = "wrk" if shutil.which("wrk") else "python"
    results = {}
    try:
        for paths, _expected in endpoints.values():  # warm both workers up on every endpoint
            load_python(port, paths, 4 * args.workers * args.threads, args.workers * args.threads, args.max_seconds)
        time.sleep(2)  # the warm-up's opens, deferred (TRACKING_FLUSH_MS), are written before the count starts
        opens_before = opens_counted()
        for round_number in range(1, args.rounds + 1):  # endpoints take turns, so a slow spell hits all of them
            for name, (paths, expected) in endpoints.items():
                if tool == "wrk":
                    result = load_wrk(port, paths, args.requests, args.concurrency, args.max_seconds, tmp)
                else:
                    result = load_python(port, paths, args.requests, args.concurrency, args.max_seconds)
                result["rps"] = result["requests"] / result["seconds"]
                print(
                    f"round {round_number}, {name}: {result['requests']} requests in {result['seconds']:.1f} s, "
                    f"{result['rps']:.0f} req/s, p99 {result['p99_ms']:.1f} ms, statuses {result['statuses']}",
                    file=sys.stderr,
                )
                assert result["statuses"] == {expected: result["requests"]}, (name, result["statuses"])
                results.setdefault(name, []).append(result)
    finally:
        server.send_signal(signal.SIGTERM)  # graceful: requests in flight finish before the count below
        server.wait(30)
    answered, opened = sum(r["requests"] for r in results["pixel"]), opens_counted() - opens_before
    assert answered <= opened <= answered + sum(r["unanswered"] for r in results["pixel"]), (answered, opened)
    print(f"open_count grew by {opened} for {answered} pixel requests answered", file=sys.stderr)
    return results, connection.vendor, tool


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20_000, help="requests per endpoint")
    parser.add_argument("--rounds", type=int, default=5, help="each endpoint is loaded once per round; medians kept")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--max-seconds", type=int, default=120, help="time limit per endpoint")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url, drop = scratch_database(args.database_url, tmp, f"bench_track_{os.getpid()}")
        try:
            results, database, tool = measure(args, tmp, url)
        finally:
            if drop:
                drop()

    def median(name, key):
        return statistics.median(r[key] for r in results[name])

    pixel, click, trivial = (
        {key: median(name, key) for key in ("rps", "p99_ms")} for name in ("pixel", "click", "trivial")
    )
    # the ratio of each round (endpoints measured minutes apart), then their median
    ratios = [p["rps"] / t["rps"] for p, t in zip(results["pixel"], results["trivial"])]
    click_ratios = [c["rps"] / t["rps"] for c, t in zip(results["click"], results["trivial"])]
    result = {
        "requests": args.requests,
        "rounds": args.rounds,
        "workers": args.workers,
        "threads": args.threads,
        "concurrency": args.concurrency,
        "database": database,
        "load": tool,
        "rps": round(pixel["rps"]),
        "p99_ms": round(pixel["p99_ms"], 1),
        "click_rps": round(click["rps"]),
        "click_p99_ms": round(click["p99_ms"], 1),
        "bare_rps": round(trivial["rps"]),
        "bare_p99_ms": round(trivial["p99_ms"], 1),
        "ratio": round(statistics.median(ratios), 3),
        "click_ratio": round(statistics.median(click_ratios), 3),
        "round_ratios": [round(ratio, 3) for ratio in ratios],
    }
    print(
        f"on {database} with {tool}: pixel {result['rps']} req/s (p99 {result['p99_ms']} ms), click {result['click_rps']} "
        f"req/s (p99 {result['click_p99_ms']} ms), trivial view {result['bare_rps']} req/s: ratio {result['ratio']}, "
        f"click ratio {result['click_ratio']}",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
