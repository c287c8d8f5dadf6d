#!/usr/bin/env python
"""The worker's peak memory importing hostile files, with the import limits and without them.

    .venv/bin/python bench/hostile_imports.py [--without-limits]

Builds, in a scratch folder: a 121 KB workbook holding 48 MB of shared strings, a CSV whose header is one 10 MB
line, an XLSX zip bomb (600 MB of sheet in 600 KB), the same bomb with zip headers that lie about its size, and
a 19 MB LimeSurvey export of millions of empty elements. Each is imported (dry run; the .lss through
``survey_import``) in a fresh Python process, as the django-q2 worker does, which reports its own peak resident
memory (VmHWM) and the outcome: the refusal's message, or "imported". ``--without-limits`` raises every
limit out of reach, to show what the files cost before them. Goal: every peak under 250 MB with the limits.
The last line is one JSON object {file: {"peak_rss_mb", "outcome"}}.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import hostile_files  # noqa: E402 - after the path

FILES = {
    "shared_strings.xlsx": hostile_files.shared_strings_bomb,
    "one_line_header.csv": hostile_files.one_line_header_csv,
    "zip_bomb.xlsx": hostile_files.sheet_bomb,
    "lying_zip_bomb.xlsx": hostile_files.lying_sheet_bomb,
    "tiny_elements.lss": hostile_files.tiny_elements_lss,
}
OUT_OF_REACH = {
    "IMPORT_MAX_UNZIPPED_MB": "1000000",
    "IMPORT_MAX_SHARED_STRINGS_MB": "1000000",
    "IMPORT_MAX_COLUMNS": "100000000",
    "IMPORT_MAX_CELLS": "1000000000",
    "IMPORT_MAX_LINE_KB": "1000000",
    "LIMESURVEY_MAX_ELEMENTS": "1000000000",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without-limits", action="store_true")
    options = parser.parse_args()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "WARNING"}
    if options.without_limits:
        env.update(OUT_OF_REACH)
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, build in FILES.items():
            path = build(Path(folder) / name)
            peak, outcome = hostile_files.import_in_child(path, env, ROOT)
            figures[name] = {
                "file_kb": round(path.stat().st_size / 1024),
                "peak_rss_mb": round(peak),
                "outcome": outcome,
            }
            print(f"{name}: {figures[name]['file_kb']} KB, peak {peak:.0f} MB: {outcome[:150]}", flush=True)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
