"""Bulk upsert of ambassadors sent as JSON, through the import pipeline (``campaigns.audience.imports``): the rows
become a CSV file with canonical column names, imported with ``update`` and ``keep_valid``, so the API checks and
writes exactly what a file import does, and calling twice changes nothing the second time.

A row names its ambassador by email, by CRM id (``external_id``), or both. A row with a known CRM id and no email
updates the ambassador holding that id; an unknown CRM id without an email is rejected."""

import csv
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from campaigns.audience.imports.run import import_ambassadors
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


@dataclass
class UpsertReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list = field(default_factory=list)  # [{"index", "field", "message"}]


def cell(value):
    """A JSON value as the import reads it: lists joined by "|", booleans as oui/non, None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list | tuple):
        return "|".join(str(item) for item in value)
    return str(value)


def emails_by_external_id(rows):
    """{external id: email} of the ambassadors named by CRM id alone in ``rows`` (one query)."""
    wanted = {row["external_id"] for row in rows if row.get("external_id") and not row.get("email")}
    return dict(Ambassador.objects.filter(external_id__in=wanted).values_list("external_id", "email"))


def column_name(label):
    """The canonical column of an import error's label (``B « external_id »``), or "" for a whole row."""
    return label.split("«", 1)[1].rstrip("» ").strip() if "«" in label else ""


def ambassadors_upsert(rows, *, client=""):
    """Create or update the ambassadors of ``rows`` (dicts with the keys of ``COLUMNS``). Returns an UpsertReport;
    rejected rows are named by their index in ``rows``."""
    report = UpsertReport(rows=len(rows))
    known = emails_by_external_id(rows)
    indexes = []  # the request's index of each row written to the file
    with tempfile.TemporaryDirectory(prefix="api-upsert-") as folder:
        path = Path(folder) / "api.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for index, row in enumerate(rows):
                email = row.get("email") or known.get(row.get("external_id"))
                if not email:
                    report.errors.append({"index": index, "field": "email", "message": unknown_message(row)})
                    continue
                writer.writerow([cell(email), *(cell(row.get(name)) for name in COLUMNS[1:])])
                indexes.append(index)
        if indexes:
            imported = import_ambassadors(path, update=True, keep_valid=True, max_errors=len(rows))
            report.created, report.updated = imported.created, imported.updated
            report.errors.extend(
                {"index": indexes[error.row - 2], "field": column_name(error.column), "message": error.message}
                for error in imported.errors
            )
            trail.import_recorded(file_name=f"API {client}", report=imported)
    report.errors.sort(key=lambda error: error["index"])
    report.rejected = len({error["index"] for error in report.errors})
    return report


def unknown_message(row):
    if row.get("external_id"):
        return _("aucun ambassadeur n'a l'identifiant externe %(id)s : donnez aussi son adresse e-mail.") % {
            "id": str(row["external_id"])[:64]
        }
    return _("l'adresse e-mail ou l'identifiant externe est obligatoire.")
