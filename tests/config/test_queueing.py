"""Holding a burst: a request that waited too long for a thread, or came to a full process, is answered 503 with
Retry-After at once (config.queueing, config.middleware.QueueLimitMiddleware, config.gunicorn_worker)."""

import time
from types import SimpleNamespace
from unittest import mock

import pytest
from django.test import Client, override_settings
from gunicorn.workers.gthread import ThreadWorker

from config import queueing
from config.gunicorn_worker import QueueTimedWorker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_thread():
    queueing.left()
    yield
    queueing.left()


def test_a_request_that_waited_too_long_for_a_thread_is_answered_503_at_once(client, django_assert_num_queries):
    queueing.arrived(time.monotonic() - 11, False)
    with django_assert_num_queries(0):
        response = client.get("/fr/")
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert "réessayez dans quelques secondes" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_a_request_that_came_to_a_full_process_is_refused_however_short_its_wait(client):
    queueing.arrived(time.monotonic(), True)
    assert client.get("/fr/").status_code == 503


def test_a_request_served_in_time_is_answered_as_usual(client):
    queueing.arrived(time.monotonic() - 1, False)
    assert client.get("/fr/").status_code == 200
    queueing.left()
    assert client.get("/fr/").status_code == 200  # runserver, the test client: no wait known, nothing refused


def test_a_proxy_start_time_counts_in_seconds_milliseconds_or_microseconds(client):
    long_ago = time.time() - 30
    for stamp in (f"t={long_ago:.3f}", f"t={int(long_ago * 1000)}", f"t={int(long_ago * 1_000_000)}"):
        assert client.get("/fr/", HTTP_X_REQUEST_START=stamp).status_code == 503, stamp
    assert client.get("/fr/", HTTP_X_REQUEST_START=f"t={time.time():.3f}").status_code == 200
    assert client.get("/fr/", HTTP_X_REQUEST_START="t=n'importe quoi").status_code == 200


@override_settings(WEB_QUEUE_SECONDS=0)
def test_the_limit_can_be_switched_off():
    queueing.arrived(time.monotonic() - 3600, True)
    assert Client().get("/fr/").status_code == 200


def test_the_worker_counts_requests_in_flight_and_marks_those_past_the_bound():
    worker = QueueTimedWorker.__new__(QueueTimedWorker)
    worker.in_flight, worker.max_in_flight = 0, 2
    first, second, third = SimpleNamespace(), SimpleNamespace(), SimpleNamespace()
    with mock.patch.object(ThreadWorker, "enqueue_req"), mock.patch.object(ThreadWorker, "finish_request"):
        for conn in (first, second, third):
            worker.enqueue_req(conn)
        assert (first.crowded, second.crowded, third.crowded) == (False, False, True)
        worker.finish_request(first, None)
        worker.finish_request(second, None)
        fourth = SimpleNamespace()
        worker.enqueue_req(fourth)
        assert worker.in_flight == 2 and not fourth.crowded
    seen = []
    request = SimpleNamespace(headers={})
    with mock.patch.object(ThreadWorker, "handle", lambda self, conn: seen.append(queueing.queue_state(request))):
        third.queued_at -= 12
        worker.handle(third)
    assert seen[0][0] >= 12 and seen[0][1] is True
    assert queueing.queue_state(request) == (0.0, False)  # the thread forgets it once the request is answered


@override_settings(SERVER_TIMING=True)
def test_server_timing_says_the_time_in_the_database_and_the_number_of_queries():
    response = Client().get("/fr/")
    timing = response["Server-Timing"]
    assert timing.startswith("db;dur=") and "queries" in timing and ", app;dur=" in timing


def test_no_timing_is_told_by_default(client):
    assert "Server-Timing" not in client.get("/fr/")


def test_gunicorn_still_has_the_worker_methods_the_project_extends():
    """config/gunicorn_worker.py extends gunicorn's gthread worker: a new gunicorn that renames them fails here."""
    import inspect

    expected = {"enqueue_req": ["self", "conn"], "finish_request": ["self", "conn", "fs"], "handle": ["self", "conn"]}
    for name, parameters in expected.items():
        assert list(inspect.signature(getattr(ThreadWorker, name)).parameters) == parameters, name
