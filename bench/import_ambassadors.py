#!/usr/bin/env python
"""Import N ambassadors from a generated CSV file into a scratch database and print the rate and peak memory.

    python bench/import_ambassadors.py [--rows 1000000] [--database-url postgres://postgres@127.0.0.1/test]

Run it with the project's interpreter (``.venv/bin/python``, or any environment holding requirements.txt).
Without --database-url the scratch database is a SQLite file in a temporary folder; with a PostgreSQL URL, a
scratch database is created beside the named one and dropped afterwards. On PostgreSQL the same file is first
loaded by a bare ``COPY`` into an unlogged table of the same columns, and ``copy_ratio`` is the import's rate
over that one (1.0 would be an import as fast as the database can take the file in). It also prints the CPU
seconds the import cost this process (reading, checking, ``COPY``) and, when the database runs on this machine,
its server process (read from /proc: the figures to compare on a shared machine, where wall time says little;
the import's own connection only: the second one that writes half the batches, ``IMPORT_WRITERS``, is not counted).
The last line is one JSON object.
"""

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write_csv(path, rows):
    rng = random.Random(7)
    regions = ["idf", "ara", "bre", "occ", "Nouvelle-Aquitaine", "Hauts-de-France", "pac", "ges"]
    bands = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
    products = ["livret-a", "pea", "assurance-vie", "compte-courant", "appli-mobile", "credit-immobilier"]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        handle.write(COLUMNS + "\n")
        for number in range(rows):
            chosen = "|".join(rng.sample(products, rng.randint(1, 3)))
            tag = "early-adopter" if number % 10 == 0 else ""
            handle.write(
                f"ambassadeur.{number}@exemple.fr;Prénom{number % 997};Nom{number % 1499};{'en' if number % 12 == 0 else 'fr'};"
                f"{rng.choice(regions)};{rng.choice(bands)};{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1980, 2024)};"
                f"{chosen};{tag};oui\n"
            )


COLUMNS = "email;prenom;nom;langue;region;tranche_age;client_depuis;produits;etiquettes;consentement"


def bare_copy_rate(path):
    """Rows per second of a bare COPY of the file into an unlogged table of the same columns (text), dropped
    afterwards: what the database itself takes in, the yardstick of ``copy_ratio``."""
    from django.db import connection

    columns = ", ".join(f"{name} text" for name in COLUMNS.split(";"))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE UNLOGGED TABLE bench_bare_copy ({columns})")
        started = time.perf_counter()
        sql = "COPY bench_bare_copy FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)"
        with open(path, "rb") as handle, cursor.copy(sql) as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        cursor.execute("SELECT COUNT(*) FROM bench_bare_copy")
        rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_bare_copy")
    print(f"bare COPY: {rows} rows in {elapsed:.1f} s", file=sys.stderr)
    return rows / elapsed


def backend_cpu_reader(connection):
    """A function giving the CPU seconds used so far by the database's server process for ``connection``, or None
    when it cannot be read (SQLite, or a server on another machine)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    def read():
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    try:
        read()
    except OSError:
        return None
    return read


def scratch_postgres(url):
    """Create a scratch database next to the one in ``url``; returns (scratch url, drop function)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = f"bench_import_{os.getpid()}"
    admin = psycopg.connect(url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        drop = None
        if args.database_url.startswith("postgres"):
            url, drop = scratch_postgres(args.database_url)
        else:
            url = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ.update(
            {"DATABASE_URL": url, "VAR_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "WARNING"}
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        path = Path(tmp) / "ambassadeurs.csv"
        started = time.perf_counter()
        write_csv(path, args.rows)
        print(
            f"wrote {args.rows} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )

        copy_rate = bare_copy_rate(path) if connection.vendor == "postgresql" else None

        from campaigns.audience.imports.run import import_ambassadors
        from campaigns.models import Ambassador

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        backend_cpu = backend_cpu_reader(connection)
        backend_before = backend_cpu() if backend_cpu else None
        usage = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        report = import_ambassadors(path)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        peak = after.ru_maxrss / 1024
        assert report.created == args.rows == Ambassador.objects.count(), (report, Ambassador.objects.count())
        result = {
            "rows": args.rows,
            "database": connection.vendor,
            "seconds": round(elapsed, 1),
            "rows_per_s": round(args.rows / elapsed),
            "peak_rss_mb": round(peak),
            "rss_before_import_mb": round(rss_before),
            "cpu_python_s": round(after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime, 2),
            "load_average": round(os.getloadavg()[0], 1),
        }
        if backend_cpu:
            result["cpu_postgres_s"] = round(backend_cpu() - backend_before, 2)
        if copy_rate:
            result["copy_rows_per_s"] = round(copy_rate)
            result["copy_ratio"] = round(result["rows_per_s"] / copy_rate, 3)
        if drop:
            drop()
    print(
        f"{result['rows']} rows imported into {result['database']} in {result['seconds']} s: "
        f"{result['rows_per_s']} rows/s, peak RSS {result['peak_rss_mb']} MB, copy_ratio {result.get('copy_ratio')}, "
        f"CPU {result['cpu_python_s']} s here + {result.get('cpu_postgres_s')} s in PostgreSQL",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
