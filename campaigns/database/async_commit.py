"""Single-statement writes whose commit need not wait for the disk.

Tracking counters and send marks are written once per request or per email; waiting for each commit to reach
the disk (an fsync) costs more than the rest of the work. ``execute_async_commit`` runs one UPDATE in
autocommit mode, with PostgreSQL's ``synchronous_commit`` turned off for that statement's own transaction (by
``set_config(..., true)`` inside the statement: one round trip, nothing to reset). A crash of the database
server, not of a worker, can then lose the last fraction of a second of these writes, never half of one. On
SQLite the statement runs as it is.

Two more savings on PostgreSQL, for the busiest endpoints:

- the statement is bound on the server, so that PostgreSQL keeps it prepared per connection instead of parsing
  and planning it on every request (Django's own cursors bind on the client and never prepare). Behind a
  pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21), set
  ``DB_PREPARED_STATEMENTS=0``;
- the connection's health check (``CONN_HEALTH_CHECKS``: a ``SELECT 1`` before the first query of each
  request) would double the round trips, so it is done lazily: the statement is tried on the connection as it
  is, and only if that fails and the connection proves unusable is it reopened and the statement run again.
"""

from django.db import Error, connection

from campaigns.database.django_private import health_check_pending, health_check_skip, server_binding_cursor

ASYNC_COMMIT = "(SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL"


def execute_async_commit(sql, params, *, fetch=False):
    """Run ``sql``, an UPDATE whose WHERE clause ends with ``{async_commit}``. Returns the number of rows changed,
    or with ``fetch`` the rows its RETURNING clause gives."""
    sql = sql.replace("{async_commit}", ASYNC_COMMIT if connection.vendor == "postgresql" else "1 = 1")
    if connection.connection is not None and connection.get_autocommit() and health_check_pending(connection):
        health_check_skip(connection)  # checked below, if the statement fails
        try:
            return _execute(sql, params, fetch)
        except Error:
            if connection.is_usable():
                raise
            connection.close()  # a connection the server dropped (restart, idle timeout): a new one, once
    return _execute(sql, params, fetch)


def _execute(sql, params, fetch):
    cursor = server_binding_cursor(connection) if connection.vendor == "postgresql" else connection.cursor()
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if fetch else cursor.rowcount
