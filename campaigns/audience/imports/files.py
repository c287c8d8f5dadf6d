"""Reading an ambassador file: a CSV (UTF-8, Windows-1252 or UTF-16, ; or ,) or an XLSX workbook, streamed row by
row, within the bounds of ``limits`` (size, unzipped size, shared strings, columns, cells, line length)."""

import codecs
import csv
import unicodedata
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from campaigns.audience.imports.limits import (
    CellCount,
    ImportFileError,
    bounded_lines,
    capped,
    columns_check,
    size_check,
    xlsx_check,
)

__all__ = ["ImportFileError", "column_letter", "normalise", "read_table"]


def normalise(text):
    """Lower case, accents and punctuation removed: 'Tranche d'âge' -> 'tranche_d_age'."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return "_".join("".join(c if c.isalnum() else " " for c in text).split())


def column_letter(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sniff(path):
    with open(path, "rb") as handle:
        return handle.read(65536)


def read_table(path, name=None):
    """(header cells, iterator of (row number, cells)) for a CSV or XLSX file; ImportFileError if unreadable.
    ``name`` is the file's name in messages (the uploaded file's, when ``path`` is where it was stored)."""
    path = Path(path)
    name = name or path.name
    try:
        size_check(path.stat().st_size, name)
        head = _sniff(path)
    except OSError as exc:
        raise ImportFileError(
            _("Impossible de lire le fichier %(name)s : %(error)s") % {"name": name, "error": exc.strerror}
        ) from None
    if not head.strip():
        raise ImportFileError(_("Le fichier %(name)s est vide.") % {"name": name})
    is_zip = head.startswith(b"PK\x03\x04")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"} or (is_zip and suffix not in {".csv", ".txt"}):
        return _read_xlsx(path, name)
    if is_zip:
        raise ImportFileError(
            _(
                "Le fichier %(name)s est un classeur Excel (XLSX) enregistré avec l'extension "
                "%(suffix)s : renommez-le en .xlsx ou enregistrez-le au format CSV."
            )
            % {"name": name, "suffix": suffix}
        )
    encoding = encoding_of(head)
    if not encoding.startswith("utf-16") and b"\x00" in head:
        raise ImportFileError(
            _("Le fichier %(name)s n'est pas un fichier texte CSV (il contient des données binaires).") % {"name": name}
        )
    return _read_csv(path, name, head, encoding)


def encoding_of(head):
    """The encoding of a CSV file from its first bytes: UTF-16 (with its byte order mark, or as its zero bytes
    show, as Excel's "Unicode text" saves it), UTF-8 (with or without a byte order mark), else Windows-1252 (a
    CSV file as French Excel saves it)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and 0 not in head[0::2] and head[1::2].count(0) * 2 > len(head) // 2:
        return "utf-16-le"
    if len(head) >= 4 and 0 not in head[1::2] and head[0::2].count(0) * 2 > len(head) // 2:
        return "utf-16-be"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not only a character cut at the end of the first bytes read
            return "cp1252"
    return "utf-8-sig"


def _read_csv(path, name, head, encoding):
    lines = head.decode(encoding, errors="ignore").lstrip("\ufeff").splitlines()
    first_line = lines[0] if lines else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    handle = open(path, encoding=encoding, newline="")  # noqa: SIM115 - closed by the reader when done
    reader = csv.reader(bounded_lines(handle, name), delimiter=delimiter)
    cells = CellCount(name)

    def next_row(number):
        try:
            return cells.add(next(reader))
        except UnicodeDecodeError:
            raise _not_utf8(name, number, encoding) from None
        except csv.Error as exc:
            raise ImportFileError(
                _("Ligne %(row)s illisible : %(error)s") % {"row": number, "error": capped(str(exc), 200)}
            ) from None

    try:
        header = next_row(1)
        columns_check(header, name)
    except StopIteration:
        handle.close()
        raise ImportFileError(_("Le fichier %(name)s est vide.") % {"name": name}) from None
    except ImportFileError:
        handle.close()
        raise

    def numbered():
        with handle:
            number = 2
            while True:
                try:
                    yield number, next_row(number)
                except StopIteration:
                    return
                number += 1

    return header, numbered()


def _not_utf8(name, number, encoding):
    if encoding != "utf-8-sig":
        return ImportFileError(
            _(
                "Le fichier %(name)s n'est lisible ni en UTF-8 ni en %(encoding)s (vers la ligne %(row)s) : "
                "enregistrez-le au format « CSV UTF-8 »."
            )
            % {"name": name, "row": number, "encoding": encoding.upper()}
        )
    return ImportFileError(
        _(
            "Le fichier %(name)s n'est pas encodé en UTF-8 (vers la ligne %(row)s) : "
            "enregistrez-le au format « CSV UTF-8 »."
        )
        % {"name": name, "row": number}
    )


def _read_xlsx(path, name):
    from openpyxl import load_workbook

    xlsx_check(path, name)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            _("Le fichier %(name)s n'est pas un classeur XLSX lisible (%(error)s).")
            % {"name": name, "error": capped(str(exc), 200)}
        ) from None
    sheet = workbook.worksheets[0]
    try:
        columns_check(range(sheet.max_column or 0), name)  # as the sheet declares them
    except ImportFileError:
        workbook.close()
        raise
    return _xlsx_rows(name, workbook, sheet.iter_rows(values_only=True, max_col=settings.IMPORT_MAX_COLUMNS + 1))


def _xlsx_rows(name, workbook, rows):
    """The header and the numbered rows of a workbook's first sheet, each at most IMPORT_MAX_COLUMNS + 1 wide
    (a value in that last column is refused), the cells counted."""
    cells = CellCount(name)

    def row_of(values):
        values = list(values)
        while values and values[-1] is None:
            values.pop()
        columns_check(values, name)
        return cells.add(values)

    try:
        header = row_of(next(rows))
    except StopIteration:
        workbook.close()
        raise ImportFileError(_("La première feuille du fichier %(name)s est vide.") % {"name": name}) from None
    except ImportFileError:
        workbook.close()
        raise

    def numbered():
        try:
            for number, values in enumerate(rows, start=2):
                yield number, row_of(values)
        finally:
            workbook.close()

    return header, numbered()
