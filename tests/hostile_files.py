"""Hostile files for the import limits, built on disk (the test process pays for building them, the worker that
reads them is measured): an XLSX of a few hundred KB holding ~48 MB of shared strings, a CSV whose header is one
10 MB line, XLSX zip bombs (honest and lying sizes), a .lss of millions of tiny elements. ``bench/hostile_imports.py``
and ``tests/campaigns/audience/test_import_limits.py`` use them."""

import struct
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = (
    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'
    "</sheetData></worksheet>"
)
MB = 1024 * 1024


def _workbook(path, sheet_chunks, strings_chunks):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, chunks in (("xl/worksheets/sheet1.xml", sheet_chunks), ("xl/sharedStrings.xml", strings_chunks)):
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)
    return path


def shared_strings_bomb(path, megabytes=48):
    """A workbook of a few hundred KB whose shared strings unzip to ``megabytes`` MB (millions of tiny texts)."""
    item = b"<si><t>a</t></si>"
    count = megabytes * MB // len(item)
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'
    block = item * 10_000

    def strings():
        yield head.encode()
        yield b"<si><t>email</t></si><si><t>lea@exemple.fr</t></si>"
        for _ in range(count // 10_000):
            yield block
        yield b"</sst>"

    return _workbook(path, [SHEET.encode()], strings())


def sheet_bomb(path, megabytes=600):
    """A workbook whose sheet unzips to ``megabytes`` MB of blank space (an honest zip bomb)."""
    strings = f'<sst xmlns="{MAIN}"><si><t>email</t></si><si><t>lea@exemple.fr</t></si></sst>'
    padding = b" " * MB
    head, tail = SHEET.encode().split(b"<sheetData>")

    def sheet():
        yield head + b"<sheetData>"
        for _ in range(megabytes):
            yield padding
        yield tail

    return _workbook(path, sheet(), [strings.encode()])


def lying_sheet_bomb(path, megabytes=600):
    """The same bomb whose zip headers claim the sheet is 1 KB (a reader trusting them stops early; one reading
    on finds a wrong checksum)."""
    sheet_bomb(path, megabytes)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = data.find(signature + b"", 0)
        while start != -1:
            name_length = struct.unpack_from("<H", data, start + (28 if signature == b"PK\x01\x02" else 26))[0]
            name_at = start + (46 if signature == b"PK\x01\x02" else 30)
            if data[name_at : name_at + name_length] == name:
                extra = struct.unpack_from("<H", data, start + (30 if signature == b"PK\x01\x02" else 28))[0]
                extra_at = name_at + name_length
                _zip64_size_set(data, extra_at, extra, 1024)
                if struct.unpack_from("<I", data, start + size_at)[0] != 0xFFFFFFFF:
                    struct.pack_into("<I", data, start + size_at, 1024)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    return path


def _zip64_size_set(data, at, length, size):
    """In a zip64 extra field (id 1), the uncompressed size comes first."""
    end = at + length
    while at + 4 <= end:
        kind, field_length = struct.unpack_from("<HH", data, at)
        if kind == 1 and field_length >= 8:
            struct.pack_into("<Q", data, at + 4, size)
        at += 4 + field_length


def one_line_header_csv(path, megabytes=10):
    """A CSV whose header is one line of ``megabytes`` MB (short unknown column names), no data row."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("email")
        written, number = 5, 0
        while written < megabytes * MB:
            cell = f";colonne{number}"
            handle.write(cell)
            written += len(cell)
            number += 1
    return path


def tiny_elements_lss(path, megabytes=19):
    """A LimeSurvey export under the size limit made of millions of empty elements."""
    with open(path, "wb") as handle:
        handle.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<document><LimeSurveyDocType>Survey</LimeSurveyDocType>')
        block = b"<a/>" * 250_000
        for _ in range(megabytes * MB // len(block)):
            handle.write(block)
        handle.write(b"</document>")
    return path


CHILD = """
import json, sys
import django
django.setup()
from campaigns.audience.imports.files import ImportFileError
from campaigns.audience.imports.run import import_ambassadors
from surveys.limesurvey import LimeSurveyError, survey_import
path = sys.argv[1]
try:
    if path.endswith(".lss"):
        survey_import(path)
    else:
        import_ambassadors(path, dry_run=True)
    outcome = "imported"
except (ImportFileError, LimeSurveyError) as error:
    outcome = str(error)
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"peak_rss_mb": peak_kb / 1024, "outcome": outcome}))
"""


def import_in_child(path, env, cwd):
    """Import ``path`` (dry run) in a fresh Python process, as the worker does; (peak RSS in MB, outcome: the
    refusal's message, or "imported"). The child's own peak, read by itself: VmHWM of /proc/self/status
    (``ru_maxrss`` keeps the parent's peak across fork and exec: a 266 MB test run made every child 266 MB)."""
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], env=env, cwd=cwd, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return figures["peak_rss_mb"], figures["outcome"]


def long_cell_workbook(path, kilobytes=70):
    """A workbook whose second row holds one inline text of ``kilobytes`` KB (Excel itself stops at 32,767
    characters; a hand-made file need not)."""
    sheet = SHEET.replace(
        '<row r="2"><c r="A2" t="s"><v>1</v></c></row>',
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>{"L" * kilobytes * 1024}</t></is></c></row>',
    )
    strings = f'<sst xmlns="{MAIN}"><si><t>email</t></si></sst>'
    return _workbook(path, [sheet.encode()], [strings.encode()])
