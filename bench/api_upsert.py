#!/usr/bin/env python
"""Upsert N ambassadors through the REST API (POST /api/v1/ambassadors/upsert, in calls of --batch rows, through
Django's whole request cycle: middleware, key check, audit, JSON parsing) into a scratch database, then import N
other ambassadors of the same kind (CRM ids included) from a CSV file as the file import does, and print both rates
and their ratio.

    .venv/bin/python bench/api_upsert.py [--rows 100000] [--batch 5000] [--database-url postgres://postgres@127.0.0.1/x]

Without --database-url the scratch database is a SQLite file in a temporary folder; with a PostgreSQL URL, a
scratch database is created beside the named one and dropped afterwards. The last line is one JSON object.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_ambassadors import scratch_postgres  # noqa: E402

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
    every = list(rows(count))
    bodies = [json.dumps({"ambassadors": every[start : start + batch]}) for start in range(0, count, batch)]
    assert client.get("/api/v1/segments").status_code == 200  # the URL configuration loaded before the clock starts
    created = 0
    started = time.perf_counter()
    for body in bodies:
        answer = client.post("/api/v1/ambassadors/upsert", body, content_type="application/json")
        assert answer.status_code == 200, answer.content[:500]
        figures = answer.json()
        assert figures["rejected"] == 0, figures["errors"][:3]
        created += figures["created"]
    elapsed = time.perf_counter() - started
    assert created == count, created
    return elapsed


def file_rate(count, tmp):
    """The same kind of rows (CRM ids included), other people, imported from a CSV file as the admin does."""
    import csv

    from api.upsert import COLUMNS, cell
    from campaigns.audience.imports.run import import_ambassadors

    path = Path(tmp) / "ambassadeurs.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([cell(row.get(name)) for name in COLUMNS] for row in rows(count, prefix="file"))
    started = time.perf_counter()
    report = import_ambassadors(path)
    elapsed = time.perf_counter() - started
    assert report.created == count, report
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
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
            }
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        api_seconds = api_rate(args.rows, args.batch)
        file_seconds = file_rate(args.rows, tmp)
        result = {
            "rows": args.rows,
            "batch": args.batch,
            "database": connection.vendor,
            "api_seconds": round(api_seconds, 1),
            "api_rows_per_s": round(args.rows / api_seconds),
            "file_seconds": round(file_seconds, 1),
            "file_rows_per_s": round(args.rows / file_seconds),
            "ratio_api_to_file": round(file_seconds / api_seconds, 3),
        }
        if drop:
            drop()
    print(
        f"{result['rows']} rows upserted through the API into {result['database']}: {result['api_rows_per_s']} rows/s "
        f"(file import: {result['file_rows_per_s']} rows/s, ratio {result['ratio_api_to_file']})",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
