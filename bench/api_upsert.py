#!/usr/bin/env python
"""Import N ambassadors (CRM ids included) from a CSV file as the file import does, then upsert N others of the
same kind through the REST API (POST /api/v1/ambassadors/upsert, in calls of --batch rows) served by gunicorn with
the repository's gunicorn.conf.py (Django's whole request cycle: middleware, key check, audit, JSON parsing), first
from --clients clients sending calls at once, then from one client, into a scratch database; print the rates and
their ratios to the file's.

    .venv/bin/python bench/api_upsert.py [--rows 100000] [--batch 10000] [--clients 2]
                                         [--database-url postgres://postgres@127.0.0.1/x]

The default batch is the largest a call may carry (``API_UPSERT_MAX_ROWS``, 10,000): a CRM syncing its customers
sends as many per call as it is allowed, since each call pays once for what does not grow with its rows (the key
check and its audit entry, the import's staging tables and checks, a durable commit), and the file import it is
compared with works in batches of the same size (``IMPORT_BATCH_SIZE``). Smaller batches measure those per-call
costs more often: ``--batch 1000`` shows what a client sending small calls gets.

Two clients by default: the file import writes on two connections at once (``IMPORT_WRITERS``), while an API call
is one transaction on one connection, so that a client sending one call at a time leaves the second core to the
file; a CRM's connector (or a pool) sending two calls at once uses both, as the file does. The one client's rate is
printed beside.

Every measure starts from tables vacuumed and analysed and a checkpoint (the previous measure's rows are neither
vacuumed by autovacuum nor written out by a checkpoint on this one's cores) and ends with a durable commit (each API call's answer waits for one; the file import's audit
entry, recorded as its command does, is its one). Beside each rate the bench prints the CPU seconds that measure
cost in Python (this process for the file; gunicorn's workers for the API) and, when the database runs on this
machine, in every PostgreSQL process (``cpu_*``): on a shared machine, where wall time says little, the figures to
compare.

Without --database-url the scratch database is a SQLite file in a temporary folder (one client: SQLite writes one
transaction at a time); with a PostgreSQL URL, a scratch database is created beside the named one and dropped
afterwards. The last line is one JSON object.
"""

import argparse
import gc
import http.client
import json
import os
import random
import secrets
import signal
import sys
import tempfile
import threading
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_ambassadors import scratch_postgres  # noqa: E402
from bench.load import child_pids, cpu_of, gunicorn_start  # noqa: E402
from bench.send import free_port  # noqa: E402

REGIONS = ["idf", "ara", "bre", "occ", "naq", "hdf", "pac", "ges"]
BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
PRODUCTS = ["livret-a", "pea", "assurance-vie", "compte-courant", "appli-mobile", "credit-immobilier"]


def rows(count, prefix="api"):
    rng = random.Random(11)
    for number in range(count):
        yield {
            "email": f"{prefix}.{number}@exemple.fr",
            "external_id": f"{prefix.upper()}-{number:08d}",
            "first_name": f"Prénom{number % 997}",
            "last_name": f"Nom{number % 1499}",
            "locale": "en" if number % 12 == 0 else "fr",
            "region": rng.choice(REGIONS),
            "age_band": rng.choice(BANDS),
            "customer_since": f"{rng.randint(1980, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "products": rng.sample(PRODUCTS, rng.randint(1, 3)),
        }


def api_rate(count, batch, clients, server, port, key, prefix="api"):
    """Rows per second through the API served by gunicorn on ``port``, ``clients`` sending calls at once (each on its
    own connection, as a CRM's workers or a pool would), every call answered before the clock stops."""
    # Only the bodies' texts are kept, not the rows as dicts: 100,000 dicts alive through the measure made every full
    # garbage collection scan them, a cost no client holding one call's rows pays.
    generated = rows(count, prefix)
    bodies = [json.dumps({"ambassadors": list(islice(generated, batch))}).encode() for _start in range(0, count, batch)]
    todo, lock = iter(bodies), threading.Lock()
    warmed, go = threading.Barrier(clients + 1), threading.Event()
    created = []

    def send(number):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        # A first call of one row on this connection: its worker has read the catalogue before the clock starts.
        warm = {"ambassadors": [{"email": f"{prefix}.warm.{number}@exemple.fr"}]}
        upsert(connection, key, json.dumps(warm).encode())
        warmed.wait()
        go.wait()
        while True:
            with lock:
                body = next(todo, None)
            if body is None:
                break
            created.append(upsert(connection, key, body)["created"])
        connection.close()

    threads = [threading.Thread(target=send, args=(number,)) for number in range(clients)]
    vacuumed()
    for thread in threads:
        thread.start()
    warmed.wait()
    clock = Clock(server)
    go.set()
    for thread in threads:
        thread.join()
    figures = clock.stop()
    assert sum(created) == count, sum(created)
    return figures


def upsert(connection, key, body):
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    connection.request("POST", "/api/v1/ambassadors/upsert", body=body, headers=headers)
    answer = connection.getresponse()
    text = answer.read()
    assert answer.status == 200, text[:500]
    figures = json.loads(text)
    assert figures["rejected"] == 0, figures["errors"][:3]
    return figures


def file_rate(count, tmp):
    """The same kind of rows (CRM ids included), other people, imported from a CSV file as the admin does."""
    import csv

    from api.upsert import COLUMNS, cell
    from campaigns.audience.imports.run import import_ambassadors
    from campaigns.audit.trail import import_recorded

    path = Path(tmp) / "ambassadeurs.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([cell(row.get(name)) for name in COLUMNS] for row in rows(count, prefix="file"))
    vacuumed()
    clock = Clock()
    report = import_ambassadors(path)
    import_recorded(file_name=path, report=report)  # as the command does: a commit that waits for the WAL
    figures = clock.stop()
    assert report.created == count, report
    return figures


def vacuumed():
    """The tables vacuumed and analysed, then a checkpoint, before a measure (as pgbench does): the previous
    measure's rows are not vacuumed by the server's autovacuum, nor its pages written out by a checkpoint, during
    this one, on its cores and in its figures."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
            cursor.execute("CHECKPOINT")  # the bench's role may: a superuser, or pg_checkpoint's member


class Clock:
    """Wall time and CPU seconds since made: Python's (this process, or with ``server`` gunicorn's workers) and
    PostgreSQL's (every process of the server on this machine, backends gone meanwhile included: the file import's
    second writer, the WAL writer; None when the database is not on this machine)."""

    def __init__(self, server=None):
        from django.db import connection

        gc.collect()  # neither measure pays for the garbage its setup left
        self.workers = child_pids(server.pid) if server else None
        self.cpu = (self.python(), postgres_cpu() if connection.vendor == "postgresql" else None)
        self.started = time.perf_counter()

    def python(self):
        return time.process_time() if self.workers is None else cpu_of(self.workers)

    def stop(self):
        elapsed = time.perf_counter() - self.started
        python, database = self.python() - self.cpu[0], None
        if self.cpu[1] is not None:
            database = round(postgres_cpu() - self.cpu[1], 2)
        return {"seconds": elapsed, "cpu_python_s": round(python, 2), "cpu_postgres_s": database}


def postgres_cpu():
    """CPU seconds of every PostgreSQL process on this machine, and of those that have ended (a backend's, once the
    server has reaped it, is counted in its parent's children time), or None when none is seen."""
    total, seen = 0, False
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if stat[stat.find("(") + 1 : stat.rfind(")")] == "postgres":
            fields = stat.rsplit(")", 1)[1].split()
            total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
            seen = True
    return total / os.sysconf("SC_CLK_TCK") if seen else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=2, help="calls sent at once (PostgreSQL; SQLite: one)")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        drop = None
        if args.database_url.startswith("postgres"):
            url, drop = scratch_postgres(args.database_url)
        else:
            url = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ.update(
            {
                "DATABASE_URL": url,
                "VAR_DIR": tmp,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "LOG_LEVEL": "WARNING",
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "DEBUG": "0",
                "API_RATE_LIMIT": "100000/m",
                "API_UPSERT_MAX_ROWS": str(max(args.batch, 10_000)),
                "DB_CONN_MAX_AGE": "3600",  # the workers keep their connections, as in production
            }
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        clients = args.clients if connection.vendor == "postgresql" else 1  # SQLite writes one at a time
        # The file first: each measure after it writes into a larger table (conservative for the API's figures).
        measured = {"file": file_rate(args.rows, tmp)}
        from api.keys import key_create
        from api.models import Role

        _key, key_text = key_create(name="bench", role=Role.PRODUCT_TEAM)
        connection.close()
        port = free_port()
        server = gunicorn_start(tmp, port)
        try:
            measured["api"] = api_rate(args.rows, args.batch, clients, server, port, key_text)
            if clients > 1:
                measured["api_one_client"] = api_rate(args.rows, args.batch, 1, server, port, key_text, prefix="one")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(60)
        result = {"rows": args.rows, "batch": args.batch, "clients": clients, "database": connection.vendor}
        for name, figures in measured.items():
            result[f"{name}_seconds"] = round(figures["seconds"], 1)
            result[f"{name}_rows_per_s"] = round(args.rows / figures["seconds"])
            result.update({f"{name}_{key}": value for key, value in figures.items() if key != "seconds"})
        for name in measured.keys() - {"file"}:
            result[f"ratio_{name}_to_file"] = round(measured["file"]["seconds"] / measured[name]["seconds"], 3)
        result["load_average"] = round(os.getloadavg()[0], 1)
        if drop:
            drop()
    print(
        f"{result['rows']} rows upserted through the API into {result['database']}: {result['api_rows_per_s']} rows/s "
        f"with {result['clients']} client(s) at once (file import: {result['file_rows_per_s']} rows/s, ratio "
        f"{result['ratio_api_to_file']}; one client: {result.get('api_one_client_rows_per_s')} rows/s, ratio "
        f"{result.get('ratio_api_one_client_to_file')}; load {result['load_average']})",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
