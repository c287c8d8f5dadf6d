import csv

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_the_command_writes_the_workbook(answered, tmp_path, capsys):
    target = tmp_path / "rapport.xlsx"
    call_command("export_report", "banque-mobile", "--format", "xlsx", "--output", str(target))
    assert "27 rows written" in capsys.readouterr().out
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Synthèse", "Invitations", "Réponses", "Thèmes", "Codes"]
    assert workbook["Invitations"].max_row == 20


def test_the_command_writes_a_csv_table(answered, tmp_path):
    target = tmp_path / "reponses.csv"
    call_command("export_report", "banque-mobile", "--format", "csv", "--table", "responses", "--output", str(target))
    with open(target, encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:4] == ["Réponse", "Envoyée le", "Adresse e-mail", "usage"] and len(rows) == 8


def test_the_command_names_what_is_wrong(known, tmp_path):
    with pytest.raises(CommandError, match="no campaign with the slug 'inconnue'"):
        call_command("export_report", "inconnue", "--output", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="no table 'ideas'"):
        call_command(
            "export_report", "banque-mobile", "--format", "csv", "--table", "ideas", "--output", str(tmp_path / "x.csv")
        )
