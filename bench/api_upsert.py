#!/usr/bin/env python
"""Upsert N ambassadors through the REST API (POST /api/v1/ambassadors/upsert, in calls of --batch rows, through
Django's whole request cycle: middleware, key check, audit, JSON parsing) into a scratch database, then import N
other ambassadors of the same kind (CRM ids included) from a CSV file as the file import does, and print both rates
and their ratio.

    .venv/bin/python bench/api_upsert.py [--rows 100000] [--batch 10000] [--database-url postgres://postgres@127.0.0.1/x]

The default batch is the largest a call may carry (``API_UPSERT_MAX_ROWS``, 10,000): a CRM syncing its customers
sends as many per call as it is allowed, since each call pays once for what does not grow with its rows (the key
check and its audit entry, the import's staging tables and checks, a durable commit), and the file import it is
compared with works in batches of the same size (``IMPORT_BATCH_SIZE``). Smaller batches measure those per-call
costs more often: ``--batch 1000`` shows what a client sending small calls gets.

Both measures end the same way: with a durable commit (each API call's answer waits for one; the file import's
audit entry, recorded as its command does, is its one). Beside each rate the bench prints the CPU seconds that
phase cost this process and, when the database runs on this machine, its server process (``cpu_*``): on a shared
machine, where wall time says little, the figures to compare.

Without --database-url the scratch database is a SQLite file in a temporary folder; with a PostgreSQL URL, a
scratch database is created beside the named one and dropped afterwards. The last line is one JSON object.
"""

import argparse
import gc
import json
import os
import random
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_ambassadors import backend_cpu_reader, scratch_postgres  # noqa: E402

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


def api_rate(count, batch):
    from django.test import Client

    from api.keys import key_create
    from api.models import Role

    _key, text = key_create(name="bench", role=Role.PRODUCT_TEAM)
    client = Client(headers={"Authorization": f"Bearer {text}"})
    # Only the bodies' texts are kept, not the rows as dicts: 100,000 dicts alive through the measure made every full
    # garbage collection of the calls scan them (0.3 s each), a cost no server holding one call's rows pays.
    generated = rows(count)
    bodies = [json.dumps({"ambassadors": list(islice(generated, batch))}) for _start in range(0, count, batch)]
    assert client.get("/api/v1/segments").status_code == 200  # the URL configuration loaded before the clock starts
    created = 0
    clock = Clock()
    for body in bodies:
        answer = client.post("/api/v1/ambassadors/upsert", body, content_type="application/json")
        assert answer.status_code == 200, answer.content[:500]
        figures = answer.json()
        assert figures["rejected"] == 0, figures["errors"][:3]
        created += figures["created"]
    figures = clock.stop()
    assert created == count, created
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
    clock = Clock()
    report = import_ambassadors(path)
    import_recorded(file_name=path, report=report)  # as the command does: a commit that waits for the WAL
    figures = clock.stop()
    assert report.created == count, report
    return figures


class Clock:
    """Wall time and CPU seconds (this process; the database's server process when it can be read) since made."""

    def __init__(self):
        from django.db import connection

        gc.collect()  # neither measure pays for the garbage its setup left
        self.backend = backend_cpu_reader(connection)
        self.cpu = (time.process_time(), self.backend() if self.backend else 0.0)
        self.started = time.perf_counter()

    def stop(self):
        elapsed = time.perf_counter() - self.started
        python, backend = time.process_time() - self.cpu[0], (self.backend() - self.cpu[1] if self.backend else None)
        return {"seconds": elapsed, "cpu_python_s": round(python, 2), "cpu_postgres_s": backend and round(backend, 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000)
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
                "ALLOWED_HOSTS": "testserver",
                "API_RATE_LIMIT": "100000/m",
                "API_UPSERT_MAX_ROWS": str(max(args.batch, 10_000)),
                "DB_CONN_MAX_AGE": "3600",  # one connection throughout, as a busy worker keeps it: its CPU is read
            }
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        api, file = api_rate(args.rows, args.batch), file_rate(args.rows, tmp)
        result = {"rows": args.rows, "batch": args.batch, "database": connection.vendor}
        for name, figures in (("api", api), ("file", file)):
            result[f"{name}_seconds"] = round(figures["seconds"], 1)
            result[f"{name}_rows_per_s"] = round(args.rows / figures["seconds"])
            result.update({f"{name}_{key}": value for key, value in figures.items() if key != "seconds"})
        result["ratio_api_to_file"] = round(file["seconds"] / api["seconds"], 3)
        if api["cpu_postgres_s"] is not None:
            cpu = {
                name: figures["cpu_python_s"] + figures["cpu_postgres_s"]
                for name, figures in (("api", api), ("file", file))
            }
            result["cpu_ratio_api_to_file"] = round(cpu["file"] / cpu["api"], 3)
        result["load_average"] = round(os.getloadavg()[0], 1)
        if drop:
            drop()
    print(
        f"{result['rows']} rows upserted through the API into {result['database']}: {result['api_rows_per_s']} rows/s "
        f"(file import: {result['file_rows_per_s']} rows/s, ratio {result['ratio_api_to_file']}; CPU ratio "
        f"{result.get('cpu_ratio_api_to_file')}, load {result['load_average']})",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
