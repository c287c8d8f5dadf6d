"""An import outside a transaction on PostgreSQL: its staging tables shared, its batches written by two connections
at once (``IMPORT_WRITERS``). Transactional tests: the second connection sees only what is committed."""

import threading

import pytest
from django.db import connection

from campaigns.audience.imports import run
from campaigns.audience.imports.staging import ROWS
from campaigns.models import Ambassador, AmbassadorTag, Segment

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers on PostgreSQL only"),
]


def staging_tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname LIKE %s AND relpersistence = 'u'", ["ambassador%"])
        return [name for (name,) in cursor.fetchall()]


@pytest.fixture
def threads(monkeypatch):
    """The threads that wrote a batch, one entry per batch, then "second" if a second writer was started (it may
    find no batch left on a busy machine: which one writes what is a race)."""
    seen = []
    write, own = run.batch_write, run._on_own_connection

    def batch_write(*args, **kwargs):
        seen.append(threading.get_ident())
        return write(*args, **kwargs)

    def on_own_connection(*args):
        seen.append("second")
        return own(*args)

    monkeypatch.setattr(run, "batch_write", batch_write)
    monkeypatch.setattr(run, "_on_own_connection", on_own_connection)
    return seen


def test_two_connections_write_every_batch_and_leave_no_table(tmp_path, threads):
    segment = Segment.objects.create(name="Fichier", kind=Segment.Kind.STATIC)
    rows = "\n".join(f"w{i}@exemple.fr;Nom{i};livret-a|pea;tag-{i % 3}|tous" for i in range(40))
    path = tmp_path / "a.csv"
    path.write_text(f"email;nom;produits;etiquettes\n{rows}\n")
    calls = []
    report = run.import_ambassadors(
        path, batch_size=3, segment=segment, progress=lambda stage, done, total, r: calls.append((stage, done))
    )
    assert (report.created, report.rejected, report.written) == (40, 0, True)
    assert threads.count("second") == 1 and len(threads) == 15
    assert Ambassador.objects.count() == segment.members.count() == 40
    assert Ambassador.products.through.objects.count() == 80 and AmbassadorTag.objects.count() == 80
    written = [done for stage, done in calls if stage == "writing"]
    assert written == sorted(written) and written[-1] == 40
    assert staging_tables() == []

    path.write_text("email;nom;produits\n" + "\n".join(f"w{i}@exemple.fr;Neuf{i};pea" for i in range(40)) + "\n")
    report = run.import_ambassadors(path, batch_size=3, update=True)
    assert (report.created, report.updated) == (0, 40)
    assert set(Ambassador.objects.values_list("last_name", flat=True)) == {f"Neuf{i}" for i in range(40)}
    assert Ambassador.products.through.objects.count() == 40


def test_a_failed_batch_stops_both_writers_and_drops_the_tables(tmp_path, monkeypatch):
    write = run.batch_write

    def batch_write(after, *args, **kwargs):
        if after >= 8:
            raise RuntimeError("disque plein")
        return write(after, *args, **kwargs)

    monkeypatch.setattr(run, "batch_write", batch_write)
    path = tmp_path / "a.csv"
    path.write_text("email\n" + "\n".join(f"f{i}@exemple.fr" for i in range(40)) + "\n")
    with pytest.raises(RuntimeError, match="disque plein"):
        run.import_ambassadors(path, batch_size=3)
    assert Ambassador.objects.count() < 40
    assert staging_tables() == []


def test_tables_left_by_a_gone_process_are_dropped(tmp_path):
    with connection.cursor() as cursor:  # no server process has this id (pids are at most 2^22)
        cursor.execute(f"CREATE UNLOGGED TABLE {ROWS}_99999999 (row_number INTEGER)")
    path = tmp_path / "a.csv"
    path.write_text("email\na@exemple.fr\n")
    assert run.import_ambassadors(path).created == 1
    assert staging_tables() == []
