"""Attacks on the files an analyst downloads: the summary as CSV (``reports:csv``) and the workbook's summary
sheet (``reports:export_create`` → ``reports:export`` → ``reports:download``), read as a table would be read:
the campaign's funnel against its breakdowns by region and age band, and each row alone; and the row-level
tables (``invitations.csv``, ``responses.csv``), which no longer reach the analyst at all."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.export_jobs import export_run, export_start
from reports.exports import write_workbook
from reports.rates import STEP_KEYS
from tests.privacy import attacks

pytestmark = pytest.mark.django_db
WITHHELD = "masqué (< 5)"


def csv_rows(client, campaign, name):
    response = client.get(reverse("reports:csv", args=[campaign.pk, name]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def number(value):
    if value in (WITHHELD, "", None):
        return None
    return int(float(value))


def table_after(rows, title):
    """The rows of the summary's table titled ``title``: {group label: {step: count or None}}."""
    start = next(index for index, row in enumerate(rows) if row and row[0] == title)
    found = {}
    for row in rows[start + 2 :]:
        if not row or not row[0]:
            break
        found[row[0]] = {step: number(value) for step, value in zip(STEP_KEYS, row[1 : 1 + len(STEP_KEYS)])}
    return found


def funnel_of(rows):
    start = next(index for index, row in enumerate(rows) if row and row[0] == "Entonnoir")
    return {step: number(row[1]) for step, row in zip(STEP_KEYS, rows[start + 2 : start + 2 + len(STEP_KEYS)])}


def attack_summary(rows):
    total = funnel_of(rows)
    found = attacks.funnel_row(total, "campaign")
    for title in ("Par région", "Par tranche d'âge"):
        found += attacks.breakdown(total, list(table_after(rows, title).values()), STEP_KEYS, title)
    for label, counts in table_after(rows, "Par segment").items():
        found += attacks.subsets(total, counts, STEP_KEYS, label)
    return found


def test_the_summary_csv_gives_no_region_back(client_for, analyst_user, known):
    rows = csv_rows(client_for(analyst_user), known, "summary")
    assert funnel_of(rows)["invited"] == 19
    assert attack_summary(rows) == []


def test_the_workbook_summary_gives_no_region_back(known, answered):
    buffer = io.BytesIO()
    write_workbook(known, buffer, identities=False)
    buffer.seek(0)
    sheet = load_workbook(buffer)["Synthèse"]
    rows = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    assert attack_summary(rows) == []


def test_the_downloaded_workbook_gives_no_region_back(client_for, analyst_user, known, answered):
    job = export_start(campaign=known, user=analyst_user)
    export_run(job.pk)
    client = client_for(analyst_user)
    assert client.get(reverse("reports:export", args=[job.pk])).status_code == 200
    response = client.get(reverse("reports:download", args=[job.pk]))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content))["Synthèse"]
    rows = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    assert attack_summary(rows) == []


def test_no_row_level_table_reaches_the_analyst(client_for, analyst_user, known, answered):
    client = client_for(analyst_user)
    for name in ("invitations", "responses"):  # one row per person: region, age band, time of answer
        assert client.get(reverse("reports:csv", args=[known.pk, name])).status_code == 404
    workbook = io.BytesIO()
    write_workbook(known, workbook, identities=False)
    workbook.seek(0)
    assert not {"Invitations", "Réponses"} & set(load_workbook(workbook).sheetnames)
