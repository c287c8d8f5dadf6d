"""Holding a burst: a request that waited too long for a thread, or was taken when too many connections waited for
one, is answered 503 with Retry-After at once (config.queueing, config.middleware.QueueLimitMiddleware); the
gunicorn worker takes a connection only when a thread is free, so that every process serves one shared queue in
arrival order (config.gunicorn_worker)."""

import logging
import socket
import time
from types import SimpleNamespace
from unittest import mock

import pytest
from django.test import Client, override_settings
from gunicorn.workers.gthread import ThreadWorker

from config import queueing
from config.gunicorn_worker import QueueTimedWorker, listen_queue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_thread():
    queueing.left()
    yield
    queueing.left()


def test_a_request_that_waited_too_long_for_a_thread_is_answered_503_at_once(client, django_assert_num_queries):
    queueing.arrived(time.monotonic() - 11)
    with django_assert_num_queries(0):
        response = client.get("/fr/")
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert "réessayez dans quelques secondes" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_a_request_taken_while_too_many_waited_is_refused_and_told_to_come_back_when_the_queue_has_moved(client):
    queueing.arrived(time.monotonic(), 1.01)  # just over WEB_MAX_QUEUED connections waiting: about 10 s of work
    refused = client.get("/fr/")
    assert refused.status_code == 503 and refused["Retry-After"] == "11"
    queueing.arrived(time.monotonic(), 3.0)  # three times the bound: three times as long
    assert client.get("/fr/")["Retry-After"] == "30"
    queueing.arrived(time.monotonic(), 0.99)
    assert client.get("/fr/").status_code == 200


def test_a_refused_request_is_no_error_in_the_logs_but_a_warning_now_and_then_with_the_count(client, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(3):
        queueing.arrived(time.monotonic(), 2.0)
        assert client.get("/fr/").status_code == 503
    assert not [record for record in caplog.records if record.name == "django.request"]


def test_a_request_served_in_time_is_answered_as_usual(client):
    queueing.arrived(time.monotonic() - 1)
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
    queueing.arrived(time.monotonic() - 3600, 5.0)
    assert Client().get("/fr/").status_code == 200


def worker_with(threads=2, max_queued=4, waiting=0):
    worker = QueueTimedWorker.__new__(QueueTimedWorker)
    worker.in_flight, worker.max_queued, worker._accepting = 0, max_queued, True
    worker.cfg = SimpleNamespace(threads=threads, keepalive=5)
    worker.waiting = lambda: waiting
    return worker


def test_the_worker_takes_a_connection_only_when_one_of_its_threads_is_free():
    worker = worker_with(threads=2)
    accepting = []
    with (
        mock.patch.object(ThreadWorker, "enqueue_req"),
        mock.patch.object(ThreadWorker, "finish_request"),
        mock.patch.object(ThreadWorker, "set_accept_enabled", lambda self, on: accepting.append(on)),
    ):
        first, second = SimpleNamespace(), SimpleNamespace()
        worker.enqueue_req(first)
        worker.enqueue_req(second)
        assert accepting == [False]  # both threads busy: the next connections wait in the shared queue
        worker.set_accept_enabled(True)  # gthread's loop asks again: still no thread free
        assert accepting == [False, False]
        worker.finish_request(first, None)
        worker.set_accept_enabled(True)
        assert accepting[-1] is True


def test_the_worker_tells_each_request_how_crowded_the_machine_was_when_it_was_taken():
    worker = worker_with(max_queued=4, waiting=6)
    conn = SimpleNamespace()
    with mock.patch.object(ThreadWorker, "enqueue_req"), mock.patch.object(ThreadWorker, "set_accept_enabled"):
        worker.enqueue_req(conn)
    assert conn.load == 1.5
    seen = []
    request = SimpleNamespace(headers={})
    with mock.patch.object(ThreadWorker, "handle", lambda self, conn: seen.append(queueing.queue_state(request))):
        conn.queued_at -= 12
        worker.handle(conn)
    assert seen[0][0] >= 12 and seen[0][1] == 1.5
    assert queueing.queue_state(request) == (0.0, 0.0)  # the thread forgets it once the request is answered


class Answer:  # the part of gunicorn's Response the worker uses
    must_close = False

    def force_close(self):
        self.must_close = True

    def start_response(self, status, headers, exc_info=None):
        self.status = status


def test_a_connection_is_kept_alive_only_while_nobody_waits_for_a_thread_or_after_a_redirect():
    for waiting, status, closed in ((0, "200 OK", False), (3, "200 OK", True), (3, "302 Found", False)):
        answer, worker = Answer(), worker_with(waiting=waiting)
        with mock.patch.object(ThreadWorker, "load_wsgi"):
            worker.wsgi = lambda environ, start_response, status=status: start_response(status, [])
            worker.load_wsgi()
        worker.wsgi({}, answer.start_response)
        assert answer.must_close is closed and answer.status == status


def test_the_listen_queue_is_read_from_the_listening_socket():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    clients = [socket.create_connection(listener.getsockname()) for _ in range(3)]
    try:
        time.sleep(0.05)
        assert listen_queue(listener) == 3
        listener.accept()[0].close()
        assert listen_queue(listener) == 2
    finally:
        for client in clients:
            client.close()
        listener.close()


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

    expected = {
        "enqueue_req": ["self", "conn"],
        "finish_request": ["self", "conn", "fs"],
        "handle": ["self", "conn"],
        "handle_request": ["self", "req", "conn"],
        "set_accept_enabled": ["self", "enabled"],
    }
    for name, parameters in expected.items():
        assert list(inspect.signature(getattr(ThreadWorker, name)).parameters) == parameters, name
