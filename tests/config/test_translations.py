"""Every user-facing string is in the catalogues, translated into English, and the compiled files are current."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "config" / "locale"
SOURCES = ["campaigns", "surveys", "ideas", "cms", "reports", "api", "config", "manage.py"]


def catalogue(mo_path):
    with open(mo_path, "rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def current_strings(tmp_path):
    """The msgids makemessages finds in the code today, compiled (each translated as itself)."""
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("locale", "__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "config" / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"VAR_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"},
    )
    po = tmp_path / "config" / "locale" / "en" / "LC_MESSAGES" / "django.po"
    identity = tmp_path / "identity.po"
    subprocess.run(["msgen", "-o", str(identity), str(po)], check=True)
    subprocess.run(["msgfmt", "-o", str(tmp_path / "identity.mo"), str(identity)], check=True)
    return {key for key in catalogue(tmp_path / "identity.mo") if key}


def test_english_catalogue_is_complete_with_no_fuzzy_entry():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(LOCALE / "en" / "LC_MESSAGES" / "django.po")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_every_string_in_the_code_is_translated_in_the_compiled_catalogues(tmp_path):
    strings = current_strings(tmp_path)
    assert len(strings) > 100
    for language in ("en", "fr"):
        compiled = catalogue(LOCALE / language / "LC_MESSAGES" / "django.mo")
        missing = sorted(str(key) for key in strings - set(compiled))
        assert not missing, f"{language}: run `make messages`, translate and commit: {missing[:10]}"


def test_english_speakers_get_english():
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override("en"):
        assert _("Importer des ambassadeurs") == "Import ambassadors"
    with translation.override("fr"):
        assert _("Importer des ambassadeurs") == "Importer des ambassadeurs"
