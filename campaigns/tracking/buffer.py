"""Opens and clicks written in batches, off the request path (PostgreSQL).

The pixel and the personal link are the busiest endpoints: a campaign's email lands in every inbox at once. With
``TRACKING_FLUSH_MS`` above 0 they do not wait for their write: the request classifies the fetch, appends the
statement and its parameters to this process's buffer and answers; a thread of the process writes the buffer
every ``TRACKING_FLUSH_MS`` milliseconds, in one transaction and one round trip per run of the same statement
(psycopg's ``executemany``, pipelined). The statements are the ones a request would have run, in the order the
requests came, so a scanner's burst is judged exactly as if each had been written at once.

What is not lost:

- a full buffer (``TRACKING_BUFFER_MAX`` events) is written by the request that finds it full: back-pressure,
  nothing dropped, memory bounded;
- a worker that stops (gunicorn's graceful shutdown or restart, ``max_requests``) writes what it holds on its
  way out (``atexit``);
- a batch the database refuses as a whole is written again statement by statement, so that one bad row
  costs only itself (logged).

A worker killed outright (SIGKILL, out of memory) loses at most the last ``TRACKING_FLUSH_MS`` of opens and
clicks: the same bargain as the asynchronous commit of these writes (``campaigns.database.async_commit``), where
a crash of the database server may lose the last fraction of a second. ``TRACKING_FLUSH_MS = 0`` writes each at
once (the tests, SQLite)."""

import atexit
import logging
import os
import threading
import time

from django.conf import settings
from django.db import Error, connection, transaction

from campaigns.database.async_commit import ASYNC_COMMIT
from campaigns.database.django_private import server_binding_cursor
from campaigns.models import Invitation

logger = logging.getLogger(__name__)


class Buffer:
    """The events of one process waiting for their write: [(sql, params, after)], where ``after(rows)`` is
    called with the rows the statement returned (or None when it returns nothing of interest)."""

    def __init__(self):
        self.items = []
        self.appending = threading.Lock()
        self.flushing = threading.Lock()  # one flush at a time, so that statements keep their order
        self.pid = None

    def add(self, sql, params, after=None):
        with self.appending:
            if self.pid != os.getpid():  # first event of this process (after gunicorn's fork)
                self.items, self.pid = [], os.getpid()
                threading.Thread(target=self.run, name="tracking-flush", daemon=True).start()
            self.items.append((sql, params, after))
            full = len(self.items) >= settings.TRACKING_BUFFER_MAX
        if full:
            self.flush()

    def run(self):
        last = time.monotonic()
        while True:
            interval = max(settings.TRACKING_FLUSH_MS, 10) / 1000
            time.sleep(min(interval, 1))  # an interval changed meanwhile (a test) is seen within a second
            if time.monotonic() - last < interval:
                continue
            last = time.monotonic()
            try:
                if not self.flush():
                    connection.close()  # idle: no connection held for nothing (nor a test database kept open)
            except Exception:  # the thread must live on: the next flush retries with a new connection
                logger.exception("tracking events could not be written")
                connection.close()

    def flush(self):
        """Write what the buffer holds; returns how many events were written."""
        with self.flushing:
            with self.appending:
                items, self.items = self.items, []
            if items:
                write(items)
            return len(items)


LOCK = f"""SELECT 1 FROM {Invitation._meta.db_table} WHERE token = ANY(%s) ORDER BY id FOR UPDATE"""


def write(items):
    """Run the buffered statements in order: consecutive ones with the same SQL as one ``executemany``."""
    runs, start = [], 0
    for index in range(1, len(items) + 1):
        if index == len(items) or items[index][0] != items[start][0]:
            runs.append(items[start:index])
            start = index
    tokens = sorted({params["token"] for _sql, params, _after in items if "token" in params})
    try:
        with transaction.atomic(), server_binding_cursor(connection) as cursor:
            # The batch's invitations locked first, in one order for every process: two flushes taking the same
            # rows in the order their requests came would deadlock.
            cursor.execute(LOCK, [tokens])
            # psycopg's own cursor: its executemany is pipelined; follow-ups run once the results are all in
            followups = [followup for run in runs for followup in _execute_many(cursor.cursor, run)]
            for after, rows in followups:
                after(rows)
    except Error:
        logger.exception("a batch of %d tracking events failed; writing them one by one", len(items))
        for item in items:
            try:
                with transaction.atomic(), server_binding_cursor(connection) as cursor:
                    for after, rows in _execute_many(cursor.cursor, [item]):
                        after(rows)
            except Error:
                logger.exception("a tracking event could not be written")


def _execute_many(cursor, run):
    """Run one statement for each item of ``run``; returns [(after, rows)] for the items that want their rows."""
    sql = run[0][0].replace("{async_commit}", ASYNC_COMMIT)
    returning = any(after for _sql, _params, after in run)
    with connection.wrap_database_errors:  # psycopg's errors as Django's
        cursor.executemany(sql, [params for _sql, params, _after in run], returning=returning)
    followups = []
    for index, (_sql, _params, after) in enumerate(run):
        if not returning:
            break
        if index:
            cursor.nextset()
        rows = cursor.fetchall()
        if after:
            followups.append((after, rows))
    return followups


buffer = Buffer()
atexit.register(buffer.flush)


def deferred():
    """Whether opens and clicks go through the buffer here."""
    return settings.TRACKING_FLUSH_MS > 0 and connection.vendor == "postgresql"
