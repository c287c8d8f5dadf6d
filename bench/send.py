#!/usr/bin/env python
"""Launch a campaign to N ambassadors, send every invitation to a local SMTP server, and compare the rate with a
bare smtplib loop sending messages of the same size to the same server.

    .venv/bin/python bench/send.py [--recipients 1000000] [--database-url postgres://postgres@127.0.0.1/test]

What is measured:
- msgs_per_s: N / the time from the start of ``campaign_launch`` (one INSERT ... SELECT of the invitations) to the
  last invitation recorded as sent. The sender tasks the launch queues for django-q2 (``SEND_PARALLEL`` of them,
  and any a sender queues again when its time budget runs out) run here instead, in ``SEND_PARALLEL`` forked
  processes, as a cluster's workers would run them; each sends its batches over its own SMTP connection through
  Django's SMTP backend.
- bare_msgs_per_s: min(N, 100,000) messages of the same bytes (one invitation built by ``build_message``) sent
  over one smtplib connection to the same server: what the server and the loopback allow.
- ratio = msgs_per_s / bare_msgs_per_s; peak_rss_mb of this process (the SMTP server runs in its own process
  and counts the recipients it accepts, which must come to the number sent in each part).

Without --database-url the scratch database is a SQLite file in a temporary folder; with a PostgreSQL URL, a
scratch database is created beside the named one and dropped afterwards. The last line is one JSON object.
bench/track.py builds its scratch database with the helpers below.
"""

import argparse
import json
import multiprocessing
import os
import queue
import resource
import smtplib
import socket
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scratch_database(database_url, tmp, name):
    """(URL of a scratch database, function dropping it or None): a SQLite file in ``tmp``, or a PostgreSQL
    database ``name`` created beside the one in ``database_url``."""
    if not database_url.startswith("postgres"):
        return f"sqlite:///{tmp}/bench.sqlite3", None
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    admin = psycopg.connect(database_url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return urlunsplit(urlsplit(database_url)._replace(path=f"/{name}")), drop


def ambassadors_create(count, *, region="bre", chunk=5000):
    """``count`` consenting ambassadors of ``region``, inserted in chunks of ``chunk`` rows (one in twelve English)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from campaigns.models import Ambassador

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        f"INSERT INTO {Ambassador._meta.db_table} (email, first_name, last_name, locale, region, age_band, "
        f"consent_at, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, '', %s, %s, %s)"
    )
    for start in range(0, count, chunk):
        rows = [
            (
                f"ambassadeur.{number}@exemple.fr",
                f"Prénom{number % 997}",
                f"Nom{number % 1499}",
                "en" if number % 12 == 0 else "fr",
                region,
                now,
                now,
                now,
            )
            for number in range(start, min(start + chunk, count))
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def campaign_create(region="bre"):
    """A draft campaign, with French and English texts, to the rule segment "region in ``region``", sending at any
    hour on any day (the sending window is not what is measured)."""
    from datetime import time, timedelta

    from django.utils import timezone

    from campaigns.models import Campaign, Segment, SegmentRule

    segment = Segment.objects.create(name=f"Région {region}")
    SegmentRule.objects.create(segment=segment, attribute=SegmentRule.Attribute.REGION_IN, value=region)
    campaign = Campaign.objects.create(
        kind=Campaign.Kind.IDEATION,
        slug="banque-mobile",
        title="La banque mobile de demain",
        reply_to="equipe.produit@banque.example",
        subject_fr="{prenom}, votre avis sur {campagne}",
        body_fr="Bonjour {prenom},\n\nDonnez-nous votre avis avant le {date_cloture} : {lien}",
        subject_en="{first_name}, your opinion on {campaign}",
        body_en="Hello {first_name},\n\nTell us what you think: {link}",
        closes_at=timezone.now() + timedelta(days=14),
        send_from=time(0),
        send_until=time(0),
        send_weekends=True,
    )
    campaign.segments.set([segment])
    return campaign


def smtp_sink(port, received, ready, stop):
    """An SMTP server on 127.0.0.1:``port`` that accepts every message, discards it and adds its recipients to
    ``received``. Runs in its own process until ``stop`` is set."""
    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server, session, envelope):
            with received.get_lock():
                received.value += len(envelope.rcpt_tos)
            return "250 Message accepted"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def _sender_process(tasks, results):
    """A stand-in for one django-q2 worker: run sender tasks from the queue until it is empty."""
    from django.db import connections

    from campaigns.sending import senders

    def enqueue(kind, object_id, count=None):  # a sender that ran out of time queues itself again
        for _number in range(count or 1):
            tasks.put((kind, object_id))

    totals = dict.fromkeys(senders.OUTCOMES, 0)
    with mock.patch.object(senders, "senders_enqueue", enqueue):
        while True:
            try:
                kind, object_id = tasks.get(timeout=0.5)
            except queue.Empty:
                break
            for key, value in senders.send_emails(kind, object_id).items():
                totals[key] += value
    connections.close_all()
    results.put(totals)


def run_senders(tasks):
    """Run the queued sender tasks in ``SEND_PARALLEL`` processes, as a django-q2 cluster's workers would, until
    the queue is empty; returns counts by outcome."""
    from django.conf import settings
    from django.db import connections

    connections.close_all()  # each process opens its own
    context = multiprocessing.get_context("fork")
    queued, results = context.Queue(), context.Queue()
    while not tasks.empty():
        queued.put(tasks.get())
    processes = [
        context.Process(target=_sender_process, args=(queued, results)) for _number in range(settings.SEND_PARALLEL)
    ]
    for process in processes:
        process.start()
    totals = dict.fromkeys(("sent", "retry", "failed", "deferred", "skipped"), 0)
    for _process in processes:
        for key, value in results.get().items():
            totals[key] += value
    for process in processes:
        process.join()
    return totals


def end_to_end(campaign):
    """Launch ``campaign`` and send its invitations; returns (seconds to launch, seconds in all, outcomes)."""
    from django.conf import settings

    from campaigns.sending import launch, senders

    tasks = queue.Queue()

    def enqueue(kind, object_id, count=None):  # stands in for django-q2's async_task
        for _number in range(count or settings.SEND_PARALLEL):
            tasks.put((kind, object_id))

    with mock.patch.object(senders, "senders_enqueue", enqueue):
        started = time.perf_counter()
        launch.campaign_launch(campaign)
        launched = time.perf_counter() - started
        outcome = run_senders(tasks)
        return launched, time.perf_counter() - started, outcome


def bare_loop(port, message, count):
    """Send ``message``'s bytes ``count`` times over one smtplib connection; returns the seconds taken."""
    data = message.message().as_bytes(linesep="\r\n")
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for _number in range(count):
            client.sendmail(message.from_email, message.to, data)
    return time.perf_counter() - started


BARE_MAX = 100_000  # the bare loop's rate is steady long before that; past it, only the run gets longer


def measure(args, tmp, url, port, received):
    """Set the scratch database up, then time launch and sending, and the bare loop; returns the figures."""
    os.environ.update(
        {
            "DATABASE_URL": url,
            "VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "SEND_RATE_PER_SECOND": str(args.rate),  # 0: the cap off, what the ratio is about
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.urls import get_resolver

    from campaigns.models import Invitation
    from campaigns.sending.emails import build_message

    _ = get_resolver().url_patterns  # modules and templates loaded now: an edit to the code during a long run changes
    from django.template import engines  # nothing (template tag libraries load with the first template)

    engines.all()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ambassadors_create(args.recipients)
    campaign = campaign_create()
    print(f"created {args.recipients} ambassadors in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    launched, elapsed, outcome = end_to_end(campaign)
    statuses = dict(Invitation.objects.filter(campaign=campaign).values_list("status").annotate(n=Count("id")))
    assert statuses == {Invitation.Status.SENT: args.recipients}, (statuses, outcome)
    assert received.value == args.recipients, (received.value, args.recipients)
    print(
        f"launch {launched:.1f} s, launch and send {elapsed:.1f} s with {settings.SEND_PARALLEL} senders: "
        f"{args.recipients / elapsed:.0f} msgs/s",
        file=sys.stderr,
    )

    sample = Invitation.objects.select_related("ambassador").filter(campaign=campaign, ambassador__locale="fr").first()
    message = build_message(source=campaign, campaign=campaign, ambassador=sample.ambassador, token=sample.token)
    bare_count = min(args.recipients, BARE_MAX)
    bare = bare_loop(port, message, bare_count)
    assert received.value == args.recipients + bare_count, (received.value, args.recipients + bare_count)
    print(f"bare smtplib loop {bare:.1f} s for {bare_count}: {bare_count / bare:.0f} msgs/s", file=sys.stderr)

    return {
        "recipients": args.recipients,
        "database": connection.vendor,
        "senders": settings.SEND_PARALLEL,
        "launch_seconds": round(launched, 1),
        "seconds": round(elapsed, 1),
        "msgs_per_s": round(args.recipients / elapsed),
        "bare_messages": bare_count,
        "bare_msgs_per_s": round(bare_count / bare),
        "ratio": round((args.recipients / elapsed) / (bare_count / bare), 3),
        "peak_rss_mb": round(
            max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rate", type=int, default=0, help="SEND_RATE_PER_SECOND, the site's cap (0: none)")
    args = parser.parse_args()

    port = free_port()
    spawn = multiprocessing.get_context("spawn")  # the SMTP server's process starts clean, without Django
    received, ready, stop = spawn.Value("q", 0), spawn.Event(), spawn.Event()
    sink = spawn.Process(target=smtp_sink, args=(port, received, ready, stop), daemon=True)
    sink.start()
    try:
        if not ready.wait(30):
            raise SystemExit("the SMTP server did not start within 30 s")
        with tempfile.TemporaryDirectory() as tmp:
            url, drop = scratch_database(args.database_url, tmp, f"bench_send_{os.getpid()}")
            try:
                result = measure(args, tmp, url, port, received)
            finally:
                if drop:
                    drop()
    finally:
        stop.set()
        sink.join(10)
    print(
        f"{result['recipients']} invitations launched and sent on {result['database']}: {result['msgs_per_s']} msgs/s, "
        f"bare smtplib {result['bare_msgs_per_s']} msgs/s, ratio {result['ratio']}, peak RSS {result['peak_rss_mb']} MB",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
