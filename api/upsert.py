"""Bulk upsert of ambassadors sent as JSON, through the import pipeline (``campaigns.audience.imports``): each row's
values become the cells of a row with canonical column names, checked by the import's own ``RowChecker`` and staged
by its ``COPY`` (no file written nor read again), imported with ``update`` and ``keep_valid``, so the API checks and
writes exactly what a file import does, and calling twice changes nothing the second time. One call is one
transaction: its rows, their writes and the audit entry.

A row names its ambassador by email, by CRM id (``external_id``), or both. A row with a known CRM id and no email
updates the ambassador holding that id; an unknown CRM id without an email is rejected."""

from dataclasses import dataclass, field

from django.db import transaction
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
    """{external id: email} of the ambassadors named by CRM id alone in ``rows`` (one query)."""
    wanted = {row["external_id"] for row in rows if isinstance(row.get("external_id"), str) and not row.get("email")}
    return dict(Ambassador.objects.filter(external_id__in=wanted).values_list("external_id", "email"))


def column_name(label):
    """The canonical column of an import error's label (``B « external_id »``), or "" for a whole row."""
    return label.split("«", 1)[1].rstrip("» ").strip() if "«" in label else ""


def ambassadors_upsert(rows, *, client=""):
    """Create or update the ambassadors of ``rows`` (dicts with the keys of ``COLUMNS``; other keys are ignored), in
    one transaction. Returns an UpsertReport; rejected rows are named by their index in ``rows``."""
    report = UpsertReport(rows=len(rows))
    with transaction.atomic():
        cells = _cells(rows, emails_by_external_id(rows), report.errors)
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


def _cells(rows, known, errors):
    """(row number, cells) of the rows that name an email (theirs, or their CRM id's): the row number is the index
    in ``rows`` plus one. The others go to ``errors``."""
    cells = []
    for index, row in enumerate(rows):
        external_id = row.get("external_id")
        email = row.get("email") or (known.get(external_id) if isinstance(external_id, str) else None)
        if not email:
            errors.append({"index": index, "field": "email", "message": unknown_message(row)})
            continue
        try:
            texts = [
                value.strip() if type(value) is str else ("" if value is None else cell(value, name in LISTS).strip())
                for name, value in zip(OTHERS, map(row.get, OTHERS), strict=True)
            ]
            cells.append((index + 1, [cell(email, False).strip(), *texts]))
        except ValueError:
            wrong = next(name for name in COLUMNS if not _is_cell(row.get(name), name in LISTS))
            errors.append({"index": index, "field": wrong, "message": _("valeur non reconnue : texte attendu.")})
    return cells


def _is_cell(value, listed):
    try:
        cell(value, listed)
    except ValueError:
        return False
    return True


def unknown_message(row):
    if row.get("external_id"):
        return _("aucun ambassadeur n'a l'identifiant externe %(id)s : donnez aussi son adresse e-mail.") % {
            "id": str(row["external_id"])[:64]
        }
    return _("l'adresse e-mail ou l'identifiant externe est obligatoire.")
