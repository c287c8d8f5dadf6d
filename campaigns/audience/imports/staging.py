"""The staging tables of an import: every row of the file, as the row checks left it, in temporary tables of the
database connection, so the checks that look across rows (an email or a CRM id repeated in the file, an email
already known, a CRM id already another ambassador's) and the writes are set-based SQL, and memory stays flat
whatever the file's size.

The tables are temporary, unless the valid rows are to be written by two connections at once (``shared``, on
PostgreSQL outside a transaction): then they are unlogged tables named after the import's server process, which
the second connection can read; dropped at the end, and, should the process have died before, by the next import
once that server process is gone.

Rows arrive in batches: through ``COPY`` on PostgreSQL (psycopg's ``cursor.copy()``, streamed), through one
prepared ``INSERT`` run for every row on SQLite (which has no round trips); a row's products and tags travel with it
as lists (arrays on PostgreSQL, JSON text on SQLite). A row's ``status`` says whether it may be written:

- ``VALID``: every cell read, the email seen first here and, unless updating, unknown;
- ``CELLS``: a cell could not be read (its errors are in the error table, in the order of the columns);
- ``REPEATED``: its email was on an earlier valid row (``first_row``);
- ``EXISTS``: its email is an ambassador's already, and the import does not update;
- ``REPEATED_ID``: its CRM id (``external_id``) was on an earlier valid row (``first_row``);
- ``TAKEN_ID``: its CRM id is held by another ambassador than the row's.
"""

import json

from django.db import DatabaseError, connection

VALID, CELLS, REPEATED, EXISTS, REPEATED_ID, TAKEN_ID = 0, 1, 2, 3, 4, 5

ROWS = "ambassador_import_row"
ERRORS = "ambassador_import_error"

ROW_COLUMNS = [
    "row_number",
    "status",
    "email",
    "first_name",
    "last_name",
    "locale",
    "region",
    "age_band",
    "customer_since",
    "consent",
    "products",
    "tags",
    "external_id",
]
TABLES = {
    ROWS: (
        "row_number INTEGER PRIMARY KEY, status SMALLINT NOT NULL, email VARCHAR(254), first_name VARCHAR(150), "
        "last_name VARCHAR(150), locale VARCHAR(2), region VARCHAR(3), age_band VARCHAR(5), customer_since DATE, "
        "consent BOOLEAN, products {ids}, tags {names}, external_id VARCHAR(64), "
        "existing_id BIGINT, first_row INTEGER"
    ),
    ERRORS: "row_number INTEGER NOT NULL, position SMALLINT NOT NULL, label TEXT NOT NULL, message TEXT NOT NULL",
}
LISTS = {"ids": "BIGINT[]", "names": "VARCHAR(60)[]"}  # products and tags of a row
COPY_TYPES = {
    ROWS: ["int4", "int2", "text", "text", "text", "text", "text", "text", "date", "bool", "text", "text", "text"],
    ERRORS: ["int4", "int2", "text", "text"],
}
COPY_COLUMNS = {
    ROWS: ROW_COLUMNS,
    ERRORS: ["row_number", "position", "label", "message"],
}


def _array(values):
    """A PostgreSQL array literal of ``values`` (ids or names), which the ``COPY`` sends as text."""
    quoted = (str(value) if isinstance(value, int) else _quoted(value) for value in sorted(values))
    return "{" + ",".join(quoted) + "}"


def _quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Staging:
    """The temporary tables of one import, on the current connection: created on entry, dropped on exit.

    ``new_id`` is the id a row's ambassador takes if the row is a new one. On PostgreSQL, when the import is to
    write (``ids_for``: the ambassadors' table), the ``COPY`` draws it from that table's id sequence (a column
    default), so that the writes need not look a new ambassador up by email nor rewrite the staged rows to give
    them their ids; an id drawn for a row that is not written is a gap in the sequence. On SQLite the writes fill
    it once the batch's ambassadors are inserted."""

    def __init__(self, ids_for=None, shared=False):
        self.postgres = connection.vendor == "postgresql"
        self.ids_for = ids_for if self.postgres else None
        self.shared = shared and self.postgres
        self.rows, self.errors = ROWS, ERRORS  # the tables' names
        self.lists = {None: None}  # frozenset -> its staged text (few distinct sets: each written once)

    def list_value(self, values):
        """How a row's products or tags (a frozenset, or None for an empty cell) are staged: the text of a
        PostgreSQL array, or JSON on SQLite (read back by ``json_each``)."""
        try:
            return self.lists[values]
        except KeyError:
            staged = _array(values) if self.postgres else json.dumps(sorted(values))
            if len(self.lists) < 10_000:
                self.lists[values] = staged
            return staged

    def __enter__(self):
        self.cursor = connection.cursor()
        if self.shared:
            self._stale_drop()
            self.cursor.execute("SELECT pg_backend_pid()")
            pid = self.cursor.fetchone()[0]
            self.rows, self.errors = f"{ROWS}_{pid}", f"{ERRORS}_{pid}"
        self._drop()
        drawn = ""
        if self.ids_for:
            self.cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')::regclass::oid", [self.ids_for])
            drawn = f" DEFAULT nextval({int(self.cursor.fetchone()[0])}::regclass)"
        kind = "UNLOGGED" if self.shared else "TEMPORARY"
        for table, columns in TABLES.items():
            if table == ROWS:
                lists = LISTS if self.postgres else {"ids": "TEXT", "names": "TEXT"}  # SQLite: JSON text
                columns = f"{columns.format(**lists)}, new_id BIGINT{drawn}"
            self.cursor.execute(f"CREATE {kind} TABLE {self._name(table)} ({columns})")
        return self

    def _name(self, table):
        return self.rows if table == ROWS else self.errors

    def _stale_drop(self):
        """Drop the shared tables of imports whose server process is gone (a process killed mid-import)."""
        self.cursor.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' "
            "AND relname ~ %s AND substring(relname from '[0-9]+$')::int NOT IN (SELECT pid FROM pg_stat_activity)",
            [f"^({ROWS}|{ERRORS})_[0-9]+$"],
        )
        for (table,) in self.cursor.fetchall():
            self.cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def __exit__(self, exc_type, exc, traceback):
        try:
            self._drop()
        except DatabaseError:
            if exc is None:  # an error already on its way (an aborted transaction) is the one to tell
                raise
        finally:
            self.cursor.close()

    def _drop(self):
        for table in (self.rows, self.errors):
            self.cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def add(self, rows, errors):
        """One batch: rows as ROW_COLUMNS tuples (products and tags as ``list_value`` gives them), then (row,
        position, label, message) tuples."""
        for table, values in ((ROWS, rows), (ERRORS, errors)):
            if values:
                self._load(table, values)

    def _load(self, table, values):
        columns, name = COPY_COLUMNS[table], self._name(table)
        if self.postgres:
            with self.cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.set_types(COPY_TYPES[table])
                for row in values:
                    copy.write_row(row)
        else:
            if table == ROWS:
                adapt = connection.ops.adapt_datefield_value
                values = [(*row[:8], adapt(row[8]), *row[9:]) for row in values]
            placeholders = ", ".join(["%s"] * len(columns))
            self.cursor.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({placeholders})", values)

    def check(self, ambassador_table, update):
        """The checks across rows, set-based: repeated emails, then emails already known (rejected unless
        ``update``), then, among the rows still valid, repeated CRM ids and CRM ids held by another ambassador.
        Returns {"rejected": rows, "created": rows, "updated": rows}."""
        execute, rows, errors = self.cursor.execute, self.rows, self.errors
        if self.postgres:  # hash joins need no index on the emails; the planner, the statistics of what it joins
            execute(f"ANALYZE {rows} (status, email, external_id)")
        else:
            execute(f"CREATE INDEX {rows}_email ON {rows} (email)")
        execute(f"CREATE INDEX {rows}_external_id ON {rows} (external_id) WHERE external_id IS NOT NULL")
        execute(f"CREATE INDEX {errors}_row ON {errors} (row_number)")
        execute(
            f"UPDATE {rows} SET status = %s, first_row = repeated.first_row FROM ("
            f"SELECT email, MIN(row_number) AS first_row FROM {rows} WHERE status = %s GROUP BY email "
            "HAVING COUNT(*) > 1) AS repeated "
            f"WHERE {rows}.email = repeated.email AND {rows}.status = %s AND {rows}.row_number > repeated.first_row",
            [REPEATED, VALID, VALID],
        )
        execute(
            f"UPDATE {rows} SET existing_id = known.id FROM {ambassador_table} AS known "
            f"WHERE known.email = {rows}.email AND {rows}.status = %s",
            [VALID],
        )
        if not update:
            execute(f"UPDATE {rows} SET status = %s WHERE status = %s AND existing_id IS NOT NULL", [EXISTS, VALID])
        self._external_ids_check(ambassador_table)
        execute(
            f"SELECT status, existing_id IS NOT NULL, COUNT(*) FROM {rows} GROUP BY status, existing_id IS NOT NULL"
        )
        counts = {"rejected": 0, "created": 0, "updated": 0}
        for status, existing, count in self.cursor.fetchall():
            if status != VALID:
                counts["rejected"] += count
            else:
                counts["updated" if existing else "created"] += count
        return counts

    def _external_ids_check(self, ambassador_table):
        """Among the valid rows, a CRM id on an earlier valid row (``REPEATED_ID``), then a CRM id that another
        ambassador than the row's holds (``TAKEN_ID``)."""
        self.cursor.execute(
            f"UPDATE {self.rows} SET status = %s, first_row = repeated.first_row FROM ("
            f"SELECT external_id, MIN(row_number) AS first_row FROM {self.rows} WHERE status = %s "
            "AND external_id IS NOT NULL GROUP BY external_id HAVING COUNT(*) > 1) AS repeated "
            f"WHERE {self.rows}.external_id = repeated.external_id AND {self.rows}.status = %s "
            f"AND {self.rows}.row_number > repeated.first_row",
            [REPEATED_ID, VALID, VALID],
        )
        self.cursor.execute(
            f"UPDATE {self.rows} SET status = %s WHERE status = %s AND external_id IS NOT NULL AND EXISTS ("
            f"SELECT 1 FROM {ambassador_table} AS holder WHERE holder.external_id = {self.rows}.external_id "
            f"AND ({self.rows}.existing_id IS NULL OR holder.id <> {self.rows}.existing_id))",
            [TAKEN_ID, VALID],
        )

    def rejected(self, page=5000):
        """The rejected rows in file order: (row number, status, email, CRM id, first row, [(label, message)]),
        read a page at a time."""
        last = 0
        while True:
            self.cursor.execute(
                f"SELECT row_number, status, email, external_id, first_row FROM {self.rows} "
                f"WHERE status <> %s AND row_number > %s ORDER BY row_number LIMIT {int(page)}",
                [VALID, last],
            )
            rows = self.cursor.fetchall()
            if not rows:
                return
            cells = {}
            if any(row[1] == CELLS for row in rows):
                self.cursor.execute(
                    f"SELECT row_number, label, message FROM {self.errors} WHERE row_number >= %s AND row_number <= %s "
                    "ORDER BY row_number, position",
                    [rows[0][0], rows[-1][0]],
                )
                for number, label, message in self.cursor.fetchall():
                    cells.setdefault(number, []).append((label, message))
            for row in rows:
                yield *row, cells.get(row[0], [])
            last = rows[-1][0]
