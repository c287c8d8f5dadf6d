"""The rejected rows of an import as a file to fix and import again: exactly the rejected rows, with the file's
own columns and a last column "raison" saying what is wrong (an import ignores that column). A CSV (UTF-8 with
a byte order mark, ``;``, as French Excel reads it) and, for a workbook, an XLSX keeping the cells' types. Cells
that a spreadsheet would run as formulas are written as text (``campaigns.spreadsheets.formulas``)."""

import csv

from django.utils.translation import gettext as _

from campaigns.audience.imports.files import read_table
from campaigns.audience.imports.rows import IGNORED, RowError, cell_text, normalise
from campaigns.audience.imports.staging import CELLS, REPEATED, REPEATED_ID, TAKEN_ID
from campaigns.spreadsheets.formulas import cell_guard, csv_safe

REASON = "raison"
SEPARATOR = " ; "


def row_errors(entry, checker):
    """The RowErrors of one rejected row as the staging tables give it (``Staging.rejected``); ``checker`` (a
    ``rows.RowChecker``) names the columns."""
    number, status, email, external_id, first_row, cells = entry
    if status == CELLS:
        return [RowError(number, label, message) for label, message in cells]
    if status == REPEATED_ID:
        message = _("l'identifiant externe %(id)s figure déjà à la ligne %(row)s.") % {
            "id": external_id,
            "row": first_row,
        }
        return [RowError(number, checker.label_of("external_id"), message)]
    if status == TAKEN_ID:
        message = _("l'identifiant externe %(id)s est déjà celui d'un autre ambassadeur.") % {"id": external_id}
        return [RowError(number, checker.label_of("external_id"), message)]
    if status == REPEATED:
        message = _("%(email)s figure déjà à la ligne %(row)s.") % {"email": email, "row": first_row}
    else:
        message = _("%(email)s est déjà un ambassadeur ; choisissez la mise à jour des existants pour le modifier.") % {
            "email": email
        }
    return [RowError(number, checker.email_label, message)]


def reason(errors):
    """The "raison" cell of a rejected row: each error with its column, and the row of the original file."""
    parts = [
        _("colonne %(column)s : %(message)s") % {"column": error.column, "message": error.message}
        if error.column
        else error.message
        for error in errors
    ]
    return _("ligne %(row)s du fichier d'origine : %(reasons)s") % {
        "row": errors[0].row,
        "reasons": SEPARATOR.join(parts),
    }


class _CsvOut:
    def __init__(self, path):
        self.handle = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by close()
        self.writer = csv.writer(self.handle, delimiter=";")

    def row(self, cells):
        self.writer.writerow([csv_safe(cell_text(cell)) for cell in cells])

    def close(self):
        self.handle.close()


class _XlsxOut:
    def __init__(self, path):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        self.path, self.cell = path, WriteOnlyCell
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(_("Lignes rejetées")[:31])

    def row(self, cells):
        self.sheet.append([cell_guard(self.cell(self.sheet, value=value)) for value in cells])

    def close(self):
        self.workbook.save(self.path)


def rejected_write(path, name, entries, checker, *, csv_path=None, xlsx_path=None):
    """Write the rejected rows of the file at ``path`` (``entries``: ``Staging.rejected()``, in file order) to
    ``csv_path`` and/or ``xlsx_path``. Returns how many rows were written."""
    header, rows = read_table(path, name=name)
    kept = [index for index, cell in enumerate(header) if normalise(cell_text(cell)) not in IGNORED]
    outputs = [out(target) for out, target in ((_CsvOut, csv_path), (_XlsxOut, xlsx_path)) if target]
    written = 0
    try:
        for out in outputs:
            out.row([header[index] for index in kept] + [REASON])
        entries = iter(entries)
        pending = next(entries, None)
        for number, cells in rows:
            if pending is None:
                break
            if number != pending[0]:
                continue
            line = [cells[index] if index < len(cells) else None for index in kept]
            line.append(reason(row_errors(pending, checker)))
            for out in outputs:
                out.row(line)
            written += 1
            pending = next(entries, None)
    finally:
        rows.close()
        for out in outputs:
            out.close()
    return written
