"""Bounds on an ambassador file, so that a hostile one (a zip bomb, a workbook of 48 MB of shared strings in a
121 KB file, a 10 MB one-line header) is refused with a message naming the limit before it costs the worker
its memory: the file's size, an XLSX's unzipped size (each member's declared size and the bytes it actually
gives), its shared strings, the number of columns and of cells, and a CSV line's length (or a cell's text in a
workbook). Every limit is a setting (``IMPORT_MAX_*``, from the environment), and every message is capped."""

import zipfile
from pathlib import Path
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024
MESSAGE_MAX_CHARS = 1000
ZIP_MAX_MEMBERS = 1000
SHARED_STRINGS = "xl/sharedstrings.xml"


class ImportFileError(Exception):
    """The file cannot be imported at all; nothing was written. The message is capped in length."""

    def __init__(self, message):
        super().__init__(capped(str(message)))


def capped(text, limit=MESSAGE_MAX_CHARS):
    """A message shown or kept never holds more than ``limit`` characters of what a file said."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def size_check(size, name):
    if size > settings.IMPORT_MAX_FILE_MB * MB:
        raise ImportFileError(
            _("Le fichier %(name)s pèse %(size)s Mo : la limite est de %(limit)s Mo (IMPORT_MAX_FILE_MB).")
            % {"name": capped(name, 100), "size": round(size / MB, 1), "limit": settings.IMPORT_MAX_FILE_MB}
        )


def _too_big(name, what, limit, setting):
    return ImportFileError(
        _("Le classeur %(name)s est refusé : %(what)s dépasse %(limit)s Mo une fois décompressé (%(setting)s).")
        % {"name": capped(name, 100), "what": what, "limit": limit, "setting": setting}
    )


def xlsx_check(path, name=None):
    """Refuse a workbook whose members, unzipped, would exceed the limits: first as their sizes are declared,
    then as the bytes they give (read in chunks, never kept), so a lying header is caught too."""
    name = name or Path(path).name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                raise ImportFileError(
                    _("Le classeur %(name)s contient %(count)s fichiers : un classeur en a quelques dizaines.")
                    % {"name": capped(name, 100), "count": len(members)}
                )
            _declared_check(name, members)
            _actual_check(name, archive, members)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise ImportFileError(
            _("Le fichier %(name)s n'est pas un classeur XLSX lisible (%(error)s).")
            % {"name": capped(name, 100), "error": capped(str(exc), 200)}
        ) from None


def _limits():
    return settings.IMPORT_MAX_UNZIPPED_MB * MB, settings.IMPORT_MAX_SHARED_STRINGS_MB * MB


def _declared_check(name, members):
    total_limit, strings_limit = _limits()
    if sum(member.file_size for member in members) > total_limit:
        raise _too_big(name, _("son contenu"), settings.IMPORT_MAX_UNZIPPED_MB, "IMPORT_MAX_UNZIPPED_MB")
    for member in members:
        if member.filename.lower() == SHARED_STRINGS and member.file_size > strings_limit:
            raise _too_big(
                name, _("son texte partagé"), settings.IMPORT_MAX_SHARED_STRINGS_MB, "IMPORT_MAX_SHARED_STRINGS_MB"
            )


def _actual_check(name, archive, members):
    """Each member unzipped in chunks and counted; its XML, if any, scanned as it comes (``TextScan``)."""
    total_limit, strings_limit = _limits()
    total = 0
    for member in members:
        limit = strings_limit if member.filename.lower() == SHARED_STRINGS else total_limit
        size = 0
        scan = TextScan(name) if member.filename.lower().endswith(".xml") else None
        with archive.open(member) as handle:
            while chunk := handle.read(MB):
                size += len(chunk)
                total += len(chunk)
                if size > limit or total > total_limit:
                    raise _too_big(name, _("son contenu"), settings.IMPORT_MAX_UNZIPPED_MB, "IMPORT_MAX_UNZIPPED_MB")
                if scan:
                    scan.feed(chunk)


class TextScan:
    """A streaming look at one XML part of a workbook, keeping nothing: no DTD (entities could multiply the
    text), and no text (a cell's, a shared string's) longer than IMPORT_MAX_LINE_KB, which the reader would
    otherwise hold whole. Broken XML is left for openpyxl to report."""

    def __init__(self, name):
        self.name, self.length, self.broken = name, 0, False
        self.limit = settings.IMPORT_MAX_LINE_KB * 1024
        self.parser = expat.ParserCreate()
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.CharacterDataHandler = self._text
        self.parser.StartElementHandler = self.parser.EndElementHandler = self._element

    def feed(self, chunk):
        if not self.broken:
            try:
                self.parser.Parse(chunk, False)
            except expat.ExpatError:
                self.broken = True

    def _element(self, *_args):
        self.length = 0

    def _text(self, text):
        self.length += len(text)
        if self.length > self.limit:
            raise ImportFileError(
                _("Une cellule du classeur %(name)s dépasse %(limit)s Ko de texte (IMPORT_MAX_LINE_KB).")
                % {"name": capped(self.name, 100), "limit": settings.IMPORT_MAX_LINE_KB}
            )

    def _doctype(self, *_args):
        raise ImportFileError(
            _("Le classeur %(name)s déclare une DTD : refusé par sécurité.") % {"name": capped(self.name, 100)}
        )


def columns_check(cells, name):
    if len(cells) > settings.IMPORT_MAX_COLUMNS:
        raise ImportFileError(
            _("Le fichier %(name)s a plus de %(limit)s colonnes (IMPORT_MAX_COLUMNS) : gardez celles des ambassadeurs.")
            % {"name": capped(name, 100), "limit": settings.IMPORT_MAX_COLUMNS}
        )


class CellCount:
    """Counts the cells read, refusing the file past IMPORT_MAX_CELLS."""

    def __init__(self, name):
        self.name, self.count = name, 0
        self.limit = settings.IMPORT_MAX_CELLS  # read once: a setting costs a lazy object's look-up, every row

    def add(self, cells):
        self.count += len(cells)
        if self.count > self.limit:
            raise ImportFileError(
                _("Le fichier %(name)s a plus de %(limit)s cellules (IMPORT_MAX_CELLS) : découpez-le.")
                % {"name": capped(self.name, 100), "limit": f"{settings.IMPORT_MAX_CELLS:,}".replace(",", " ")}
            )
        return cells


def bounded_lines(handle, name):
    """The lines of a CSV file, refusing one longer than IMPORT_MAX_LINE_KB before it is split into cells."""
    limit = settings.IMPORT_MAX_LINE_KB * 1024
    number = 0
    while line := handle.readline(limit + 2):
        number += 1
        if len(line.rstrip("\r\n")) > limit:
            raise ImportFileError(
                _("La ligne %(row)s du fichier %(name)s dépasse %(limit)s Ko (IMPORT_MAX_LINE_KB).")
                % {"row": number, "name": capped(name, 100), "limit": settings.IMPORT_MAX_LINE_KB}
            )
        yield line
