import csv
import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from reports.exports import SheetSplitter, csv_lines, csv_safe, sheet_title, streaming, table, write_workbook
from surveys.models import Survey
from tests.reports.conftest import HOSTILE
from tests.surveys.factories import FORMULA_LABEL

pytestmark = pytest.mark.django_db

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def workbook_of(campaign, **options):
    buffer = io.BytesIO()
    rows = write_workbook(campaign, buffer, **options)
    buffer.seek(0)
    return load_workbook(buffer), rows


def every_cell(workbook):
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def no_formula(workbook):
    """No cell Excel would compute: no formula cell, and every text that looks like one is a plain string."""
    for cell in every_cell(workbook):
        assert cell.data_type != "f", (cell.parent.title, cell.coordinate, cell.value)
        if isinstance(cell.value, str) and cell.value.startswith(DANGEROUS_STARTS):
            assert cell.data_type == "s" and cell.quotePrefix, (cell.parent.title, cell.coordinate, cell.value)
    return True


def test_workbook_has_its_sheets_headers_values_and_charts(answered, board):
    workbook, rows = workbook_of(answered.campaign)
    assert workbook.sheetnames == ["Synthèse", "Invitations", "Réponses", "Idées", "Votes", "Thèmes", "Codes"]
    assert rows == 19 + 7 + 3 + 10 + 1  # invitations, responses, ideas, votes, one theme
    invitations = workbook["Invitations"]
    header = [cell.value for cell in invitations[1]]
    assert header[:3] == ["Invitation", "Adresse e-mail", "Région"] and "Première ouverture humaine estimée" in header
    assert "Premier clic humain estimé" in header
    assert invitations.max_row == 20
    first = [cell.value for cell in invitations[2]]
    assert first[1] == "breton.0@exemple.fr" and first[2] == "Bretagne" and first[5] == "Envoyé"
    assert first[6].hour == 9  # 8:00 UTC written as Paris time, without a time zone
    responses = workbook["Réponses"]
    header = [cell.value for cell in responses[1]]
    assert header[:4] == ["Réponse", "Envoyée le", "Adresse e-mail", "À quelle fréquence utilisez-vous l'application ?"]
    assert (
        "Quelle importance donnez-vous à… — la sécurité" in header
        and "Classez ces améliorations — Alertes de dépenses" in header
    )
    assert "Répartissez 10 points entre ces usages — Payer" in header  # a column per item of several numbers
    values = dict(zip(header, [cell.value for cell in responses[2]]))
    assert values["À quelle fréquence utilisez-vous l'application ?"] == "Tous les jours"
    assert values["Quelles fonctions utilisez-vous ?"] == "Suivi du budget | Virements"
    assert values["Quelle importance donnez-vous à… — la simplicité"] == "Moyenne"
    assert values["Classez ces améliorations — Objectifs d'épargne"] == 2
    assert responses.max_row == 8  # the unsubmitted response is left out
    ideas = workbook["Idées"]
    assert [cell.value for cell in ideas[2]][6] == 8
    assert workbook["Votes"].max_row == 11
    summary = workbook["Synthèse"]
    texts = [cell.value for cell in every_cell(workbook) if cell.parent is summary and isinstance(cell.value, str)]
    assert "Taux d'ouverture" in texts and "Ouverts / distribués." in texts and "Score NPS" in texts
    assert "Brut, machines et humains estimés" in texts and "Taux de clic humain estimé" in texts
    assert any(text.startswith("Brut : toute image de suivi") for text in texts)  # the method, next to the figures
    assert not summary._images  # every chart is a native Excel chart


def test_data_sheets_have_a_frozen_header_filters_and_widths(answered, board):
    workbook, _rows = workbook_of(answered.campaign)
    invitations = workbook["Invitations"]
    assert invitations.freeze_panes == "A2"
    assert invitations.auto_filter.ref.startswith("A1:")
    assert invitations.column_dimensions["B"].width >= len("Adresse e-mail")
    assert isinstance(invitations["G2"].value, datetime.datetime)  # a real Excel date, not text


def test_workbook_shows_labels_and_keeps_the_codes_in_a_legend(answered):
    workbook, _rows = workbook_of(answered.campaign)
    responses = workbook["Réponses"]
    header = [cell.value for cell in responses[1]]
    assert "usage" not in header and "criteres[securite]" not in header  # labels, not internal codes
    answers = {cell.value for row in responses.iter_rows(min_row=2) for cell in row}
    assert "Tous les jours" in answers and "jour" not in answers
    assert responses.freeze_panes == "A2" and responses.auto_filter.ref.startswith("A1:")
    assert isinstance(responses["B2"].value, datetime.datetime)  # sent at: a real Excel date
    opened = dict(zip(header, [cell.value for cell in responses[2]]))["Depuis quand avez-vous votre compte ?"]
    assert isinstance(opened, datetime.datetime) and opened.year >= 2015  # a date answer: a real Excel date too
    legend = workbook["Codes"]
    assert [cell.value for cell in legend[1]] == ["Colonne", "Code de la colonne", "Réponse", "Code de la réponse"]
    lines = [[cell.value for cell in row] for row in legend.iter_rows(min_row=2)]
    assert ["À quelle fréquence utilisez-vous l'application ?", "usage", "Tous les jours", "jour"] in lines
    assert ["Quelle importance donnez-vous à… — la sécurité", "criteres[securite]", "Forte", "3"] in lines
    assert legend.freeze_panes == "A2" and legend.auto_filter.ref.startswith("A1:")
    csv_header = next(csv.reader(io.StringIO("".join(csv_lines(table(answered.campaign, "responses"))))))
    assert "usage" in csv_header  # the CSV files keep the codes: programs read them


def series_cells(chart):
    """The cells (sheet, column letters and rows) the series of an openpyxl chart point at."""
    return [
        (series.val.numRef.f, series.cat.strRef.f if series.cat.strRef else series.cat.numRef.f)
        for series in chart.series
    ]


def test_workbook_charts_are_native_excel_charts_pointing_at_their_tables(answered, board):
    workbook, _rows = workbook_of(answered.campaign)
    summary = workbook["Synthèse"]
    charts = summary._charts
    assert len(charts) >= 3 + 5  # funnel, rates, timeline, a chart per question with figures, votes
    kinds = {type(chart).__name__ for chart in charts}
    assert kinds == {"BarChart", "LineChart"}
    for chart in charts:
        assert chart.series
        for values, categories in series_cells(chart):
            for reference in (values, categories):
                sheet, cells = reference.split("!")
                assert sheet.strip("'") == "Synthèse"
                first = cells.replace("$", "").split(":")[0]
                start = summary[first]
                assert start.value is not None  # the series starts on a filled cell of its table
    funnel = charts[0]
    values, categories = series_cells(funnel)[0]
    steps = [cell.value for (cell,) in summary[categories.split("!")[1].replace("$", "")]]
    counts = [cell.value for (cell,) in summary[values.split("!")[1].replace("$", "")]]
    assert steps[0] == "Invités" and counts[0] == 19


def test_no_cell_of_the_workbook_runs_as_a_formula(answered, board):
    workbook, _rows = workbook_of(answered.campaign)
    assert no_formula(workbook)
    titles = [cell.value for cell in workbook["Idées"]["B"]]
    assert "=cmd|' /C calc'!A0" in titles  # kept as typed, as text
    texts = [cell.value for cell in every_cell(workbook)]
    assert "=1+1" in texts and '=HYPERLINK("http://x")' in " ".join(str(text) for text in texts)
    assert FORMULA_LABEL in texts  # a choice's label, in the summary


def test_sheets_split_past_the_row_limit_with_the_header_repeated(answered):
    workbook, _rows = workbook_of(answered.campaign, row_limit=6)
    names = workbook.sheetnames
    assert names[:3] == ["Synthèse", "Synthèse (2)", "Synthèse (3)"]  # the summary splits too
    invitation_sheets = [name for name in names if name.startswith("Invitations")]
    assert invitation_sheets == ["Invitations", "Invitations (2)", "Invitations (3)", "Invitations (4)"]
    assert [workbook[name].max_row for name in invitation_sheets] == [6, 6, 6, 5]  # 19 rows, 5 per sheet
    assert all(workbook[name]["A1"].value == "Invitation" for name in invitation_sheets)
    ids = [cell.value for name in invitation_sheets for cell in workbook[name]["A"][1:]]
    assert len(ids) == len(set(ids)) == 19 and ids == sorted(ids)
    assert [workbook[name].max_row for name in names if name.startswith("Réponses")] == [6, 3]


def test_the_splitter_alone():
    workbook = Workbook(write_only=True)
    splitter = SheetSplitter(workbook, "Données", ["a"], row_limit=3)
    for number in range(7):
        splitter.append([number])
    assert [sheet.title for sheet in splitter.sheets] == ["Données", "Données (2)", "Données (3)", "Données (4)"]
    assert splitter.rows == 7
    with pytest.raises(ValueError):
        SheetSplitter(workbook, "Trop petit", ["a"], row_limit=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    assert [[cell.value for cell in sheet["A"]] for sheet in load_workbook(buffer).worksheets] == [
        ["a", 0, 1],
        ["a", 2, 3],
        ["a", 4, 5],
        ["a", 6],
    ]


def test_sheet_titles_fit_excel():
    assert sheet_title("Réponses: [brutes]/?*", 1) == "Réponses   brutes    "[:31]
    assert len(sheet_title("x" * 40, 12)) == 31 and sheet_title("x" * 40, 12).endswith(" (12)")


def test_an_anonymous_survey_exports_no_identity(answered):
    Survey.objects.filter(pk=answered.pk).update(anonymous=True)
    workbook, _rows = workbook_of(answered.campaign)
    responses = workbook["Réponses"]
    assert [cell.value for cell in responses[1]][:2] == ["N°", "À quelle fréquence utilisez-vous l'application ?"]
    assert [cell.value for cell in responses["A"][1:]] == list(range(1, 8))
    assert "Adresse e-mail" not in [cell.value for cell in workbook["Invitations"][1]]
    assert not any("@exemple.fr" in str(cell.value) for cell in every_cell(workbook))


def test_csv_of_each_table_is_neutralised_and_complete(answered, board):
    campaign = answered.campaign
    invitations = list(csv.reader(io.StringIO("".join(csv_lines(table(campaign, "invitations"))))))
    assert invitations[0][0] == "\ufeffInvitation" and len(invitations) == 20
    assert invitations[1][1] == "breton.0@exemple.fr" and invitations[1][6].startswith("2026-03-02 09:00")
    responses = list(csv.reader(io.StringIO("".join(csv_lines(table(campaign, "responses"))))))
    header = responses[0]
    texts = [dict(zip(header, row))["idees"] for row in responses[1:]]
    assert "'=1+1" in texts and HOSTILE in texts
    ideas = list(csv.reader(io.StringIO("".join(csv_lines(table(campaign, "ideas"))))))
    assert ideas[1][1] == "'=cmd|' /C calc'!A0"
    summary = "".join(csv_lines(table(campaign, "summary")))
    assert "Taux de réponse" in summary and "Ouverts / distribués." in summary
    assert table(campaign, "nothing") is None


def test_every_dangerous_start_is_neutralised_in_csv_and_workbook():
    for start in DANGEROUS_STARTS:
        assert csv_safe(f"{start}1+1") == f"'{start}1+1"
    assert csv_safe("ordinaire") == "ordinaire" and csv_safe(-5) == -5 and csv_safe("") == ""
    workbook = Workbook(write_only=True)
    splitter = SheetSplitter(workbook, "Textes", ["texte"])
    for start in DANGEROUS_STARTS:
        splitter.append([f"{start}SUM(A1:A2)", -3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    reopened = load_workbook(buffer)
    assert no_formula(reopened)
    assert [cell.value for cell in reopened["Textes"]["B"][1:]] == [-3] * 6  # numbers stay numbers


def test_rows_are_streamed_in_chunks(answered, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(streaming, "CHUNK_SIZE", 2)
    rows = list(table(answered.campaign, "responses").rows())
    assert len(rows) == 7
    invitations = table(answered.campaign, "invitations")
    with django_assert_max_num_queries(1):
        assert len(list(invitations.rows())) == 19
