"""Writes whose commit need not wait for the disk.

Tracking counters and send marks are written once per request or per email; waiting for each commit to reach
the disk (an fsync) costs more than the rest of the request. On PostgreSQL, ``synchronous_commit = off`` for
such a transaction lets the commit return at once: a crash of the database server (not of a worker) can lose
the last fraction of a second of these writes, and never leaves them half done. On SQLite it changes nothing.
"""

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def async_commit():
    """A transaction (yielding a cursor) whose commit does not wait for the disk."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield cursor
