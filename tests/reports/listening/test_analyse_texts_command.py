import csv

import pytest
from django.core.management import CommandError, call_command

from reports.listening.csv_analysis import ADDED
from tests.reports.listening.fixtures import ALL, COMPLAINTS_PHONE, PRAISE_APP


def csv_write(path, rows, delimiter=","):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)


def csv_rows(path, delimiter=","):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def test_analyse_texts_adds_language_sentiment_score_and_theme_to_every_row(tmp_path, capsys):
    source, output = tmp_path / "avis.csv", tmp_path / "sortie.csv"
    texts = [*ALL, "The mobile app is great and easy to use, I recommend it."]
    csv_write(source, [["id", "avis"], *[[index, text] for index, text in enumerate(texts)]], delimiter=";")
    call_command("analyse_texts", str(source), "--column", "avis", "--output", str(output))
    rows = csv_rows(output, delimiter=";")
    assert [row["avis"] for row in rows] == texts
    assert list(rows[0]) == ["id", "avis", *ADDED]
    assert {row["sentiment"] for row in rows[: len(COMPLAINTS_PHONE)]} == {"negative"}
    assert {row["sentiment"] for row in rows[6:12]} == {"positive"}
    assert all(-1 <= float(row["sentiment_score"]) <= 1 and row["theme"] for row in rows)
    assert {row["language"] for row in rows[:-1]} == {"fr"} and rows[-1]["language"] == "en"
    captured = capsys.readouterr()
    assert f"{len(texts)} / {len(texts)} rows" in captured.err
    assert f"{len(texts)} rows written" in captured.out


def test_analyse_texts_scrubs_the_texts_when_asked(tmp_path):
    source, output = tmp_path / "avis.csv", tmp_path / "sortie.csv"
    csv_write(
        source, [["avis"], ["Rappelez-moi au 06 12 34 56 78 ou jean@exemple.fr"], *[[text] for text in PRAISE_APP]]
    )
    call_command("analyse_texts", str(source), "--column", "avis", "--output", str(output), "--scrub")
    first = csv_rows(output)[0]["avis"]
    assert "06 12" not in first and "jean@" not in first


def test_a_missing_column_is_named_and_no_file_is_written(tmp_path):
    source, output = tmp_path / "avis.csv", tmp_path / "sortie.csv"
    csv_write(source, [["texte"], ["bien"]])
    with pytest.raises(CommandError, match=r"no column 'avis' \(columns: texte\)"):
        call_command("analyse_texts", str(source), "--column", "avis", "--output", str(output))
    assert not output.exists()


def test_a_row_longer_than_the_header_is_named_by_its_line(tmp_path):
    source, output = tmp_path / "avis.csv", tmp_path / "sortie.csv"
    csv_write(source, [["avis"], ["bien"], ["trop", "de champs"]])
    with pytest.raises(CommandError, match="line 3: more fields"):
        call_command("analyse_texts", str(source), "--column", "avis", "--output", str(output))


def test_a_file_that_is_not_utf8_is_refused_with_a_clear_message(tmp_path):
    source, output = tmp_path / "avis.csv", tmp_path / "sortie.csv"
    source.write_bytes("avis\nTrès déçu du délai\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8 text"):
        call_command("analyse_texts", str(source), "--column", "avis", "--output", str(output))
    assert not output.exists()


def test_a_file_with_a_header_and_no_rows_gives_a_header_with_the_added_columns(tmp_path):
    source, output = tmp_path / "avis.csv", tmp_path / "sortie.csv"
    csv_write(source, [["id", "avis"]])
    call_command("analyse_texts", str(source), "--column", "avis", "--output", str(output))
    assert output.read_text(encoding="utf-8").splitlines() == ["id,avis," + ",".join(ADDED)]
