"""An analyst's own CSV of texts, with language, sentiment, score and theme columns added, streamed.

Two passes over the file: the first fits the themes on a sample (memory stays flat whatever the size), the
second writes each row as it reads it, in chunks.
"""

import csv
import random

from reports.listening.language import detect_language
from reports.listening.scrub import scrub
from reports.listening.sentiment import sentiment
from reports.listening.themes import themes_fit

ADDED = ("language", "sentiment", "sentiment_score", "theme")
SAMPLE = 20_000
CHUNK = 1_000


class CsvAnalysisError(Exception):
    pass


def dialect_of(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            head = handle.read(8192)
        except UnicodeDecodeError as exc:
            raise CsvAnalysisError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def fields_read(path, column, dialect):
    """The file's columns, once checked that COLUMN is one and that none is a column the analysis adds."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            fields = csv.DictReader(handle, dialect=dialect).fieldnames or []
        except (csv.Error, UnicodeDecodeError) as exc:
            raise CsvAnalysisError(f"{path}, line 1: {exc}") from exc
    if column not in fields:
        raise CsvAnalysisError(f"{path}: no column {column!r} (columns: {', '.join(fields) or 'none'})")
    clash = [name for name in ADDED if name in fields]
    if clash:
        raise CsvAnalysisError(f"{path}: already has the column(s) {', '.join(clash)} that the analysis adds")
    return fields


def rows_read(path, dialect):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, dialect=dialect)
        try:
            for row in reader:
                if None in row:
                    raise CsvAnalysisError(f"{path}, line {reader.line_num}: more fields than the header has columns")
                yield row
        except (csv.Error, UnicodeDecodeError) as exc:
            raise CsvAnalysisError(f"{path}, line {reader.line_num}: {exc}") from exc


def sample_take(path, column, dialect, size=SAMPLE):
    """A uniform sample of the column's texts (reservoir), and how many rows there are."""
    chooser, sample, count = random.Random(0), [], 0
    for row in rows_read(path, dialect):
        text = row[column] or ""
        if len(sample) < size:
            sample.append(text)
        else:
            slot = chooser.randrange(count + 1)
            if slot < size:
                sample[slot] = text
        count += 1
    return sample, count


def chunk_write(writer, rows, column, themes, scrub_text):
    texts = [row[column] or "" for row in rows]
    for row, text, theme in zip(rows, texts, themes.assign(texts)):
        feeling = sentiment(text)
        row.update(language=detect_language(text), sentiment=feeling.label, sentiment_score=feeling.score)
        row["theme"] = theme
        if scrub_text:
            row[column] = scrub(text)
        writer.writerow(row)


def csv_analyse(source, column, output, scrub_text=False, progress=None):
    """Write OUTPUT: SOURCE's rows with the added columns; returns the number of rows. progress(done, total)."""
    dialect = dialect_of(source)
    fields = fields_read(source, column, dialect)
    sample, total = sample_take(source, column, dialect)
    themes = themes_fit(sample)
    done, chunk = 0, []
    with open(output, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*fields, *ADDED], dialect=dialect, restval="")
        writer.writeheader()
        for row in rows_read(source, dialect):
            chunk.append(row)
            if len(chunk) == CHUNK:
                chunk_write(writer, chunk, column, themes, scrub_text)
                done, chunk = done + len(chunk), []
                if progress:
                    progress(done, total)
        if chunk:
            chunk_write(writer, chunk, column, themes, scrub_text)
            done += len(chunk)
    if progress:
        progress(done, total)
    return done
