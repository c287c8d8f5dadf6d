"""Upsert calls arriving at once: a call that meets another's writes (a new email taken meanwhile, a deadlock) is
rolled back whole and run again; one that keeps meeting them is answered 409 with nothing written."""

import threading
import time

import psycopg
import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.utils import timezone

from api import upsert as upsert_module
from api.keys import key_create
from api.models import Role
from campaigns.models import Ambassador
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def rows(count, prefix="simultane", **extra):
    return [{"email": f"{prefix}.{number}@exemple.fr", "first_name": f"P{number}", **extra} for number in range(count)]


@pytest.fixture
def product_key(db):
    return key_create(name="crm", role=Role.PRODUCT_TEAM)[1]


def call(key, body, answers):
    """One call on its own connection (a thread's), its answer appended to ``answers``."""
    try:
        answers.append(ApiClient(Client(), key).post("/ambassadors/upsert", body))
    finally:
        connection.close()


def waiting_for_a_lock(timeout=30):
    """Wait until a session of the test database waits for a row or key lock (the call blocked on another's
    uncommitted row)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("no call waited for the other session's row")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="sessions that wait for each other: PostgreSQL")
def test_a_call_that_meets_a_new_email_committed_meanwhile_is_run_again_and_updates_it(product_key):
    """Another session inserts one of the call's new emails and commits while the call waits on it: the call's
    INSERT fails on the unique email; it is run again, then updates that ambassador and creates the others."""
    settings = connection.settings_dict
    other = psycopg.connect(host=settings["HOST"] or None, port=settings["PORT"] or None, user=settings["USER"],
                            dbname=settings["NAME"], password=settings["PASSWORD"] or None)  # fmt: skip
    now = timezone.now()
    other.execute(
        f"INSERT INTO {Ambassador._meta.db_table} (email, first_name, last_name, locale, region, age_band, "
        "created_at, updated_at) VALUES ('simultane.7@exemple.fr', 'Autre', '', 'fr', '', '', %s, %s)",
        [now, now],
    )
    answers = []
    thread = threading.Thread(target=call, args=(product_key, {"ambassadors": rows(50)}, answers))
    thread.start()
    try:
        waiting_for_a_lock()
    finally:
        other.commit()
        other.close()
    thread.join(60)
    (answer,) = answers
    assert answer.status_code == 200, answer.content
    assert (answer.json()["created"], answer.json()["updated"], answer.json()["rejected"]) == (49, 1, 0)
    assert Ambassador.objects.filter(email__startswith="simultane.").count() == 50
    assert Ambassador.objects.get(email="simultane.7@exemple.fr").first_name == "P7"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="calls at once: PostgreSQL")
def test_calls_sent_at_once_with_the_same_rows_all_succeed_and_write_each_ambassador_once(product_key):
    body = {"ambassadors": rows(2000, region="bre")}
    answers = []
    threads = [threading.Thread(target=call, args=(product_key, body, answers)) for _call in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert [answer.status_code for answer in answers] == [200, 200, 200], [a.content[:300] for a in answers]
    assert sum(answer.json()["created"] for answer in answers) == 2000
    assert Ambassador.objects.filter(email__startswith="simultane.", region="bre").count() == 2000


def test_a_call_that_keeps_meeting_others_writes_is_answered_409_with_nothing_written(product_key, monkeypatch):
    tries = []

    def deadlocked(rows, client):
        tries.append(client)
        Ambassador.objects.create(email="ecrit.puis.annule@exemple.fr")  # rolled back with the attempt
        raise IntegrityError("deadlock") from psycopg.errors.DeadlockDetected("deadlock detected")

    monkeypatch.setattr(upsert_module, "_upsert", deadlocked)
    answer = ApiClient(Client(), product_key).post("/ambassadors/upsert", {"ambassadors": rows(3)})
    assert answer.status_code == 409
    assert "renvoyez" in answer.json()["detail"]
    assert len(tries) == upsert_module.ATTEMPTS
    assert not Ambassador.objects.filter(email="ecrit.puis.annule@exemple.fr").exists()


def test_a_database_error_of_another_kind_is_not_run_again(product_key, monkeypatch):
    tries = []

    def broken(rows, client):
        tries.append(client)
        raise IntegrityError("not null") from psycopg.errors.NotNullViolation("null value")

    monkeypatch.setattr(upsert_module, "_upsert", broken)
    with pytest.raises(IntegrityError):
        ApiClient(Client(raise_request_exception=True), product_key).post(
            "/ambassadors/upsert", {"ambassadors": rows(1)}
        )
    assert len(tries) == 1
