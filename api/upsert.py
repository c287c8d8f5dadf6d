"""Bulk upsert of ambassadors sent as JSON, through the import pipeline (``campaigns.audience.imports``): each row's
values become the cells of a row with canonical column names, checked by the import's own ``RowChecker`` and staged
by its ``COPY`` (no file written nor read again), imported with ``update`` and ``keep_valid``, so the API checks and
writes exactly what a file import does, and calling twice changes nothing the second time. One call is one
transaction: its rows, their writes and the audit entry.

A row names its ambassador by email, by CRM id (``external_id``), or both. A row with a known CRM id and no email
updates the ambassador holding that id; an unknown CRM id without an email is rejected.

Calls may arrive at once (a CRM sending on several connections): two calls naming the same new ambassador, or
updating the same ones in another order, meet in the database (a unique email taken meanwhile, a deadlock). The
call that loses is rolled back whole and run again, up to ``ATTEMPTS`` times, and then sees the other's rows as they
were committed; past that ``Concurrent`` is raised (the API answers 409: send the call again)."""

from dataclasses import dataclass, field

from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from campaigns.audience.imports.run import rows_import
from campaigns.audit import trail
from campaigns.models import Ambassador

COLUMNS = [
    "email",
    "external_id",
    "first_name",
    "last_name",
    "locale",
    "region",
    "age_band",
    "customer_since",
    "products",
    "tags",
    "consent",
]
OTHERS = COLUMNS[1:]
LISTS = {"products", "tags"}  # the columns that may hold a list


@dataclass
class UpsertReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list = field(default_factory=list)  # [{"index", "field", "message"}]


def cell(value, listed=True):
    """A JSON value as the import reads it: lists joined by "|", booleans as oui/non, None as an empty cell.
    ValueError for a value no cell holds (an object, a list of lists, a list where ``listed`` is false)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        return str(value)
    if listed and isinstance(value, list | tuple) and all(isinstance(item, str | int | float) for item in value):
        return "|".join(str(item) for item in value)
    raise ValueError(value)


def emails_by_external_id(rows):
    """{external id: email} of the ambassadors named by CRM id alone in ``rows`` (one query, none when every row
    names an email)."""
    wanted = {row["external_id"] for row in rows if isinstance(row.get("external_id"), str) and not row.get("email")}
    if not wanted:
        return {}
    return dict(Ambassador.objects.filter(external_id__in=wanted).values_list("external_id", "email"))


def column_name(label):
    """The canonical column of an import error's label (``B « external_id »``), or "" for a whole row."""
    return label.split("«", 1)[1].rstrip("» ").strip() if "«" in label else ""


ATTEMPTS = 3
# What a concurrent call's writes make this one meet: a unique key taken meanwhile, a deadlock, a serialization failure.
CONCURRENT_STATES = {"23505", "40P01", "40001"}


class Concurrent(Exception):
    """A call still meeting concurrent ones' writes after ``ATTEMPTS`` tries: nothing of it was written."""


def _concurrent(exc):
    """Whether ``exc`` came from another session's writes: the database's states above, or the import's own
    IntegrityError (raised by it, not by the database: an ambassador deleted since the checks)."""
    if exc.__cause__ is None:
        return isinstance(exc, IntegrityError)
    return getattr(exc.__cause__, "sqlstate", None) in CONCURRENT_STATES


def ambassadors_upsert(rows, *, client=""):
    """Create or update the ambassadors of ``rows`` (dicts with the keys of ``COLUMNS``; other keys are ignored), in
    one transaction, run again when concurrent calls' writes made it fail. Returns an UpsertReport; rejected rows are
    named by their index in ``rows``. Raises Concurrent after ``ATTEMPTS`` such failures."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return _upsert(rows, client)
        except DatabaseError as exc:
            if not _concurrent(exc):
                raise
            if attempt == ATTEMPTS:
                raise Concurrent from exc


def _upsert(rows, client):
    """One attempt, in the caller's transaction."""
    report = UpsertReport(rows=len(rows))
    cells = _cells(rows, report.errors)
    if cells:
        imported = rows_import(
            COLUMNS, cells, name=f"API {client}", update=True, keep_valid=True, max_errors=len(rows),
            batch_size=len(cells),
        )  # fmt: skip
        report.created, report.updated = imported.created, imported.updated
        report.errors.extend(
            {"index": error.row - 1, "field": column_name(error.column), "message": error.message}
            for error in imported.errors
        )
        trail.import_recorded(file_name=f"API {client}", report=imported)
    report.errors.sort(key=lambda error: error["index"])
    report.rejected = len({error["index"] for error in report.errors})
    return report


def _cells(rows, errors):
    """(row number, cells) of the rows that name an email (theirs, or their CRM id's): the row number is the index
    in ``rows`` plus one. The others go to ``errors``. Read a column at a time: a column whose values are all
    strings (or all absent) is turned into texts by one C-level pass, the row loop in Python cost as much as the
    import's checks."""
    emails = [row.get("email") for row in rows]
    skipped = set()
    missing = [index for index, email in enumerate(emails) if not email]
    known = emails_by_external_id([rows[index] for index in missing])
    for index in missing:
        external_id = rows[index].get("external_id")
        emails[index] = known.get(external_id) if isinstance(external_id, str) else None
        if not emails[index]:
            skipped.add(index)
            errors.append({"index": index, "field": "email", "message": unknown_message(rows[index])})
    columns = [_texts(emails, False)]
    columns.extend(_texts([row.get(name) for row in rows], name in LISTS) for name in OTHERS)
    for name, texts in zip(COLUMNS, columns, strict=True):
        if None in texts:  # a value no cell holds: the row's first such column is named
            for index in [index for index, text in enumerate(texts) if text is None and index not in skipped]:
                skipped.add(index)
                errors.append({"index": index, "field": name, "message": _("valeur non reconnue : texte attendu.")})
    numbered = enumerate(zip(*columns, strict=True), 1)
    if not skipped:
        return list(numbered)
    return [(number, texts) for number, texts in numbered if number - 1 not in skipped]


def _texts(values, listed):
    """Every value's cell text, stripped ("" for None), or None for a value no cell holds (``cell``)."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return list(map(str.strip, values))
    if kinds == {type(None)}:
        return [""] * len(values)
    if listed and kinds <= {list, type(None)}:
        try:  # lists of strings, the common case, without cell's checks of each item
            return ["" if value is None else "|".join(value).strip() for value in values]
        except TypeError:
            pass
    return [value.strip() if type(value) is str else _text(value, listed) for value in values]


def _text(value, listed):
    try:
        return "" if value is None else cell(value, listed).strip()
    except ValueError:
        return None


def unknown_message(row):
    if row.get("external_id"):
        return _("aucun ambassadeur n'a l'identifiant externe %(id)s : donnez aussi son adresse e-mail.") % {
            "id": str(row["external_id"])[:64]
        }
    return _("l'adresse e-mail ou l'identifiant externe est obligatoire.")
