"""Where a person's traces could hide: every text the database holds (every column of every model, decoded as the
application reads it: JSON, pickled task arguments, kept emails with their encoded headers) and every file under
the data folder (CSV, JSON, the XML inside workbooks)."""

import zipfile
from email import message_from_bytes, policy
from pathlib import Path

from django.apps import apps


def _email_text(raw):
    """A kept email as its reader sees it: headers decoded, every text part decoded."""
    parsed = message_from_bytes(raw, policy=policy.default)
    parts = [f"{key}: {value}" for key, value in parsed.items()]
    for part in parsed.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
    return "\n".join(parts)


def _text(value):
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace") + "\n" + _email_text(value)
    return repr(value) + "\n" + str(value)


def database_traces(*needles):
    """["app.Model #pk field"] of every value of every model (auto-created tables too) holding one of ``needles``,
    compared in lower case."""
    wanted = [needle.lower() for needle in needles]
    found = []
    for model in apps.get_models(include_auto_created=True):
        names = [field.attname for field in model._meta.concrete_fields]
        for row in model._base_manager.values_list(*names).iterator():
            for name, value in zip(names, row, strict=True):
                if value is None:
                    continue
                text = _text(value).lower()
                if any(needle in text for needle in wanted):
                    found.append(f"{model._meta.label} #{row[0]} {name}")
    return found


def _file_text(path):
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return path.read_bytes().decode("utf-8", "replace")


def file_traces(folders, *needles):
    """[paths] of the files under ``folders`` that hold one of ``needles`` (workbooks read inside)."""
    wanted = [needle.lower() for needle in needles]
    found = []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and any(needle in _file_text(path).lower() for needle in wanted):
                found.append(str(path))
    return found
