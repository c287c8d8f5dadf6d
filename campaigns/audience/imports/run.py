"""Import ambassadors from a CSV or XLSX file.

The file is read once, streaming, in batches: each row's cells are checked in Python (``rows``) and the batch is
loaded into the import's staging tables (``staging``: ``COPY`` on PostgreSQL, batched ``INSERT`` on SQLite).
The checks across rows are then set-based SQL (an email repeated in the file, an email already known, a CRM id
(``external_id``) repeated in the file or held by another ambassador), and, if no row was rejected (or the
caller chose to keep the valid rows), the valid rows are written from the staging tables (``write``): a few
set-based statements per batch (new ambassadors inserted, known ones updated, then their products, tags and list),
each batch in its own transaction. Memory stays flat whatever the file's size. On PostgreSQL, unless the caller
holds a transaction, two connections write the batches at once (``IMPORT_WRITERS``): the writes are the database's
work, and while one connection waits for Python (or the disk) the other keeps the second core busy.

- A file that cannot be read at all (empty, binary, wrong or missing columns) raises ``ImportFileError`` with
  one message, before anything is written.
- Every rejected row is reported with its row number (as a spreadsheet shows it: the header is row 1), its
  column and the reason; the report counts rejected rows (a row with two bad cells is one rejected row), and
  the rejected rows can be written to a file (``rejected``) to be fixed and imported again.
- Existing ambassadors (same email, compared case-insensitively) are updated only with ``update=True``; then a
  filled cell replaces the stored value and an empty cell leaves it as it is. An import never clears an
  opt-out.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.audience.imports.collector import collection_paused
from campaigns.audience.imports.columns import chosen_columns
from campaigns.audience.imports.files import ImportFileError, read_table
from campaigns.audience.imports.rejected import rejected_write, row_errors
from campaigns.audience.imports.rows import RowChecker, cell_texts, map_columns
from campaigns.audience.imports.staging import CELLS, VALID, Staging
from campaigns.audience.imports.write import AMBASSADORS, batch_write
from campaigns.models import Segment


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    written: bool = False
    errors: list = field(default_factory=list)
    # What writing would do (a dry run's answer): ambassadors new and known among the valid rows.
    would_create: int = 0
    would_update: int = 0


def _batches(iterator, size):
    iterator = iter(iterator)
    while batch := list(islice(iterator, size)):
        yield batch


def _non_blank(rows):
    """(row number, cells, cells' texts) of the rows with a filled cell."""
    for number, cells in rows:
        texts = cell_texts(cells)
        if any(texts):
            yield number, cells, texts


def _staged(batch, checker, list_value):
    """The staging tuples of one batch of (row number, cells, texts): rows and cell errors; and how many rows were
    rejected."""
    rows, errors = [], []
    rejected = 0
    for number, cells, texts in batch:
        values, row_errors = checker.check(number, cells, texts)
        if row_errors:
            rejected += 1
            rows.append((number, CELLS, None, None, None, None, None, None, None, None, None, None, None))
            errors.extend((number, position, e.column, e.message) for position, e in enumerate(row_errors))
            continue
        get = values.get
        rows.append(
            (
                number,
                VALID,
                values["email"],
                get("first_name"),
                get("last_name"),
                get("locale"),
                get("region"),
                get("age_band"),
                get("customer_since"),
                get("consent"),
                list_value(get("products")),
                list_value(get("tags")),
                get("external_id"),
            )
        )
    return rows, errors, rejected


def import_ambassadors(path, *, update=False, keep_valid=False, dry_run=False, segment=None, progress=None,
                       batch_size=None, max_errors=None, name=None, rejected_csv=None, rejected_xlsx=None,
                       columns=None):  # fmt: skip
    """Check, then (unless ``dry_run``) write the ambassadors of a file. Returns an ImportReport.

    Nothing is written when any row is rejected, unless ``keep_valid``: then the valid rows are written and the
    report says exactly which rows were not. ``segment``, a static Segment, receives every imported ambassador.
    ``progress(stage, rows_done, rows_total, report)`` is called after each batch (inside its transaction when
    writing). ``name`` is the file's name in messages (the uploaded file's, when ``path`` is where it was
    stored). The rejected rows, if any, are written to ``rejected_csv`` and ``rejected_xlsx`` when given.
    ``columns`` {file column (header text or letter): field, or "" to leave it out} maps columns whose headers
    differ from ours (``columns.chosen_columns``).
    """
    name = name or Path(path).name
    if segment is not None and segment.kind != Segment.Kind.STATIC:
        raise ImportFileError(
            _("« %(segment)s » n'est pas une liste fixe : on ne peut pas y ajouter d'ambassadeurs.")
            % {"segment": segment}
        )
    header, rows = read_table(path, name=name)
    mapping = map_columns(header, name, chosen_columns(header, columns, name))

    def rejected_files(staging, checker):
        if rejected_csv or rejected_xlsx:
            rejected_write(path, name, staging.rejected(), checker, csv_path=rejected_csv, xlsx_path=rejected_xlsx)

    options = {"update": update, "keep_valid": keep_valid, "dry_run": dry_run, "segment": segment}
    checker = RowChecker(mapping, header)
    return _import(checker, _non_blank(rows), name, batch_size, max_errors, progress, rejected_files, options)


def rows_import(header, rows, *, name, update=False, keep_valid=False, max_errors=None, batch_size=None):
    """Check and write rows that arrive already read, not from a file (the API's upsert): ``header`` the canonical
    column names, ``rows`` (row number, cells) with row numbers from 1 up and each cell's text as ``cell_texts``
    gives it (a stripped string, "" when empty; every row has an email), each row checked by the same
    ``RowChecker`` as a file's and staged by the same ``COPY``. Returns an ImportReport, as ``import_ambassadors``.
    The caller chooses the transaction: with ``batch_size`` at least the number of rows, one batch is written; its
    commit is durable (the writes' ``synchronous_commit`` is set back on), so an answer sent after it holds."""
    checker = RowChecker(map_columns(header, name), header)
    options = {"update": update, "keep_valid": keep_valid, "dry_run": False, "segment": None}
    texts = ((number, cells, cells) for number, cells in rows)
    report = _import(checker, texts, name, batch_size, max_errors, None, None, options)
    if report.written and connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the writes turned it off: the caller's commit waits for the WAL again
            cursor.execute("SET LOCAL synchronous_commit TO ON")
    return report


def _import(checker, rows, name, batch_size, max_errors, progress, after_check, options):
    """The import's one path, once the rows can be read ((row number, cells, cells' texts) of the rows with a filled
    cell): staged, checked across rows, written."""
    batch_size = batch_size or settings.IMPORT_BATCH_SIZE
    max_errors = settings.IMPORT_MAX_REPORTED_ERRORS if max_errors is None else max_errors
    update, dry_run = options["update"], options["dry_run"]
    report = ImportReport()
    # Two writers need tables both connections see: only outside the caller's transaction (its own would hide them).
    shared = not (dry_run or connection.in_atomic_block) and settings.IMPORT_WRITERS > 1 and connection.get_autocommit()
    with Staging(ids_for=None if dry_run else AMBASSADORS, shared=shared) as staging:
        batches = _load(checker, rows, name, staging, batch_size, report, progress)
        counts = staging.check(AMBASSADORS, update)
        report.rejected = counts["rejected"]
        report.would_create, report.would_update = counts["created"], counts["updated"]
        if report.rejected:
            report.errors = list(islice(_errors(staging, checker), max_errors))
        if not dry_run and (options["keep_valid"] or not report.rejected):
            _write(staging, batches, update, report, progress, options["segment"])
        if report.rejected and after_check:
            after_check(staging, checker)
    return report


def _load(checker, rows, name, staging, batch_size, report, progress):
    """The first and only reading of the rows: every row checked and staged. Returns the batches as (last row
    number, rows read so far)."""
    batches = []
    with collection_paused():  # the rows of a batch, tens of thousands of containers, kept from full collections
        for batch in _batches(rows, batch_size):
            staged, errors, rejected = _staged(batch, checker, staging.list_value)
            staging.add(staged, errors)
            report.rows += len(batch)
            report.rejected += rejected
            batches.append((batch[-1][0], report.rows))
            if progress:
                progress("validating", report.rows, None, report)
    if report.rows == 0:
        raise ImportFileError(_("Le fichier %(name)s n'a aucune ligne de données sous l'en-tête.") % {"name": name})
    return batches


def _errors(staging, checker):
    for entry in staging.rejected():
        yield from row_errors(entry, checker)


def _write(staging, batches, update, report, progress, segment):
    """The valid rows written from the staging tables, a transaction per batch, in order by this connection, or,
    when the tables are shared, by this one and a thread's at once, each taking the next batch when done with its
    last. The progress is told by this thread (the rows of the batches written so far, by both)."""
    now = timezone.now()
    todo = iter([(after, last, done - before) for (after, before), (last, done) in zip([(0, 0), *batches], batches)])
    lock, stop = threading.Lock(), threading.Event()
    written = [0]

    def writer(main):
        while not stop.is_set():
            with lock:
                after, last, rows = next(todo, (None, None, None))
            if after is None:
                return
            try:
                with transaction.atomic():
                    created, updated = batch_write(after, last, now, update, segment, staged=staging.rows)
                    with lock:
                        report.created, report.updated = report.created + created, report.updated + updated
                        written[0] += rows
                        so_far = written[0]
                    if main and progress:
                        progress("writing", so_far, report.rows, report)
            except BaseException:
                stop.set()  # the other writer takes no further batch
                raise

    if not staging.shared or len(batches) < 2:
        writer(True)
    else:
        with ThreadPoolExecutor(1) as pool:
            second = pool.submit(_on_own_connection, writer, False)
            writer(True)
            second.result()
        if progress:  # the second writer's last batches, if it finished after this one
            progress("writing", written[0], report.rows, report)
    report.written = True


def _on_own_connection(function, *args):
    """``function`` run in a thread, on the thread's own database connection, closed after."""
    try:
        return function(*args)
    finally:
        connection.close()
