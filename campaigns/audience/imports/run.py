"""Import ambassadors from a CSV or XLSX file.

The file is read twice, streaming, in batches: first to check every row (nothing is written), then, if no row
was rejected (or the caller chose to keep the valid rows), to write the valid rows in batches of bulk inserts
and updates, each batch in its own transaction. Memory stays flat whatever the file's size: duplicate emails
inside the file are found through a temporary table, not a Python set.

- A file that cannot be read at all (empty, binary, wrong or missing columns) raises ``ImportFileError`` with
  one message, before anything is written.
- Every rejected row is reported with its row number (as a spreadsheet shows it: the header is row 1), its
  column and the reason.
- Existing ambassadors (same email, compared case-insensitively) are updated only with ``update=True``; then a
  filled cell replaces the stored value and an empty cell leaves it as it is. An import never clears an
  opt-out.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.audience.imports.files import ImportFileError, read_table
from campaigns.audience.imports.rows import RowChecker, RowError, cell_text, map_columns
from campaigns.audience.imports.write import SeenEmails, SeenExternalIds, write_batch
from campaigns.models import Ambassador, Segment


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    written: bool = False
    errors: list = field(default_factory=list)


def _batches(iterator, size):
    batch = []
    for item in iterator:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _checked_batches(path, update, batch_size):
    """Yield (rows, valid, errors) per batch: ``valid`` maps email -> values for the rows that may be written."""
    header, rows = read_table(path)
    checker = RowChecker(map_columns(header, Path(path).name), header)
    non_blank = ((number, cells) for number, cells in rows if any(cell_text(cell) for cell in cells))
    with SeenEmails() as seen, SeenExternalIds() as seen_ids:
        for batch in _batches(non_blank, batch_size):
            valid, errors, numbers = _batch_checked(batch, checker, seen, update)
            errors.extend(_external_ids_checked(valid, numbers, checker, seen_ids))
            errors.sort(key=lambda error: error.row)
            yield len(batch), valid, errors


def _batch_checked(batch, checker, seen, update):
    """(valid, errors) of one batch: each row's cells checked, then its email against the file's earlier rows
    and, unless updating, against the ambassadors already known."""
    errors, checked = [], {}
    for number, cells in batch:
        values, row_errors = checker.check(number, cells)
        if row_errors:
            errors.extend(row_errors)
        else:
            checked[number] = values
    first = seen.first_rows([(values["email"], number) for number, values in checked.items()])
    existing = set()
    if not update:
        emails = [values["email"] for values in checked.values()]
        existing = set(Ambassador.objects.filter(email__in=emails).values_list("email", flat=True))
    valid, numbers = {}, {}
    for number, values in checked.items():
        email = values["email"]
        if first[email] != number:
            message = _("%(email)s figure déjà à la ligne %(row)s.") % {"email": email, "row": first[email]}
        elif email in existing:
            message = _(
                "%(email)s est déjà un ambassadeur ; choisissez la mise à jour des existants pour le modifier."
            ) % {"email": email}
        else:
            valid[email], numbers[email] = values, number
            continue
        errors.append(RowError(number, checker.email_label, message))
    return valid, errors, numbers


def _external_ids_checked(valid, numbers, checker, seen_ids):
    """The errors of the valid rows whose CRM identifier an earlier row of the file, or another ambassador, already
    holds; those rows are taken out of ``valid``."""
    numbered = {email: values for email, values in valid.items() if values.get("external_id")}
    if not numbered:
        return []
    first = seen_ids.first_rows([(values["external_id"], numbers[email]) for email, values in numbered.items()])
    owners = dict(
        Ambassador.objects.filter(external_id__in=[values["external_id"] for values in numbered.values()]).values_list(
            "external_id", "email"
        )
    )
    errors = []
    for email, values in numbered.items():
        external_id, number = values["external_id"], numbers[email]
        if first[external_id] != number:
            message = _("l'identifiant externe %(id)s figure déjà à la ligne %(row)s.")
        elif owners.get(external_id, email) != email:
            message = _("l'identifiant externe %(id)s est déjà celui d'un autre ambassadeur.")
        else:
            continue
        del valid[email]
        message %= {"id": external_id, "row": first[external_id]}
        errors.append(RowError(number, checker.label_of("external_id"), message))
    return errors


def import_ambassadors(
    path,
    *,
    update=False,
    keep_valid=False,
    dry_run=False,
    segment=None,
    progress=None,
    batch_size=None,
    max_errors=None,
):
    """Check, then (unless ``dry_run``) write the ambassadors of a file. Returns an ImportReport.

    Nothing is written when any row is rejected, unless ``keep_valid``: then the valid rows are written and the
    report says exactly which rows were not. ``segment``, a static Segment, receives every imported ambassador.
    ``progress(stage, rows_done, rows_total, report)`` is called after each batch (inside its transaction when
    writing).
    """
    batch_size = batch_size or settings.IMPORT_BATCH_SIZE
    if segment is not None and segment.kind != Segment.Kind.STATIC:
        raise ImportFileError(
            _("« %(segment)s » n'est pas une liste fixe : on ne peut pas y ajouter d'ambassadeurs.")
            % {"segment": segment}
        )
    report = ImportReport()
    _check(
        path,
        update,
        batch_size,
        report,
        progress,
        settings.IMPORT_MAX_REPORTED_ERRORS if max_errors is None else max_errors,
    )
    if dry_run or (report.rejected and not keep_valid):
        return report
    _write(path, update, batch_size, report, progress, segment)
    return report


def _check(path, update, batch_size, report, progress, max_errors):
    """The first reading: every row checked, nothing written; the report counts the rows and keeps the first
    ``max_errors`` errors."""
    for size, _valid, errors in _checked_batches(path, update, batch_size):
        report.rows += size
        report.rejected += len(errors)
        room = max_errors - len(report.errors)
        report.errors.extend(errors[: max(room, 0)])
        if progress:
            progress("validating", report.rows, None, report)
    if report.rows == 0:
        raise ImportFileError(
            _("Le fichier %(name)s n'a aucune ligne de données sous l'en-tête.") % {"name": Path(path).name}
        )


def _write(path, update, batch_size, report, progress, segment):
    """The second reading: the valid rows written, a transaction per batch."""
    now = timezone.now()
    done = 0
    for size, valid, _errors in _checked_batches(path, update, batch_size):
        with transaction.atomic():
            created, updated = write_batch(valid, now, segment)
            report.created += created
            report.updated += updated
            done += size
            if progress:
                progress("writing", done, report.rows, report)
    report.written = True
