"""Single-statement writes whose commit need not wait for the disk.

Tracking counters and send marks are written once per request or per email; waiting for each commit to reach
the disk (an fsync) costs more than the rest of the work. ``execute_async_commit`` runs one UPDATE in
autocommit mode, with PostgreSQL's ``synchronous_commit`` turned off for that statement's own transaction (by
``set_config(..., true)`` inside the statement: one round trip, nothing to reset). A crash of the database
server, not of a worker, can then lose the last fraction of a second of these writes, never half of one. On
SQLite the statement runs as it is.
"""

from django.db import connection

ASYNC_COMMIT = "(SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL"


def execute_async_commit(sql, params, *, fetch=False):
    """Run ``sql``, an UPDATE whose WHERE clause ends with ``{async_commit}``. Returns the number of rows changed,
    or with ``fetch`` the rows its RETURNING clause gives."""
    condition = ASYNC_COMMIT if connection.vendor == "postgresql" else "1 = 1"
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{async_commit}", condition), params)
        return cursor.fetchall() if fetch else cursor.rowcount
