"""Which tables each reader gets (``reports.exports.catalogue``): analysts aggregates only, with idea authors and
top contributors by pseudonym; the product team's row-level tables of an anonymous survey carry no join key."""

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.models import Ambassador, Invitation
from reports.exports import csv_lines, table, tables, write_workbook
from surveys.models import Survey

pytestmark = pytest.mark.django_db


def rows_of(found):
    return list(csv.reader(io.StringIO("".join(csv_lines(found)))))


def workbook_of(campaign, **options):
    buffer = io.BytesIO()
    write_workbook(campaign, buffer, **options)
    buffer.seek(0)
    return load_workbook(buffer)


def every_text(workbook):
    return [str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def test_an_analyst_gets_no_row_level_table_in_any_file_or_page(client_for, analyst_user, answered, board):
    campaign = answered.campaign
    assert set(tables(campaign, identities=False)) == {"ideas", "themes"}  # themes: aggregates of at least k authors
    assert workbook_of(campaign, identities=False).sheetnames == ["Synthèse", "Idées", "Thèmes"]
    client = client_for(analyst_user)
    for name in ("invitations", "responses", "votes"):
        assert client.get(reverse("reports:csv", args=[campaign.pk, name])).status_code == 404, name
    page = client.get(reverse("reports:campaign", args=[campaign.pk])).content.decode()
    assert reverse("reports:csv", args=[campaign.pk, "invitations"]) not in page
    assert reverse("reports:csv", args=[campaign.pk, "responses"]) not in page


def test_names_reach_an_analyst_only_as_pseudonyms(client_for, analyst_user, answered, board):
    campaign = answered.campaign
    names = set(Ambassador.objects.values_list("first_name", flat=True)) | {"Nom0", "Nom2"}
    texts = every_text(workbook_of(campaign, identities=False))
    named = [text for text in texts if any(name and name in text for name in names)]
    assert not named, named
    ideas = rows_of(table(campaign, "ideas", identities=False))
    authors = [row[8] for row in ideas[1:]]
    assert all(author.startswith("Ambassadeur ") for author in authors), authors
    assert len(set(authors)) == 3  # one pseudonym per person
    summary = "".join(csv_lines(table(campaign, "summary")))
    assert authors[0] in summary  # the top contributor's pseudonym is the one of their idea
    page = client_for(analyst_user).get(reverse("reports:campaign", args=[campaign.pk])).content.decode()
    assert authors[0] in page and not any(f">{name} " in page for name in names if name)


def test_the_same_person_has_another_pseudonym_in_another_campaign(answered, board):
    from reports.pseudonyms import pseudonym

    assert pseudonym(1, 7) == pseudonym(1, 7) != pseudonym(2, 7)


def test_anonymous_survey_rows_cannot_be_joined_to_invitations(answered):
    """Sorting the responses by their number lined them up with the invitations' answer times (a person's answers
    beside their region and age band): an anonymous survey's tables now carry no number, no time finer than the
    day, no attribute beside the answers, and rows in an order of their own."""
    Survey.objects.filter(pk=answered.pk).update(anonymous=True)
    campaign = answered.campaign
    invitations = rows_of(table(campaign, "invitations"))
    header = invitations[0]
    assert "Invitation" not in header[0] and "Adresse e-mail" not in header
    times = [value for row in invitations[1:] for value in row if value[:4] == "2026"]
    assert times and all(len(value) == 10 for value in times), times  # days, never hours
    answered_column = header.index("A répondu le")
    assert sorted(row[answered_column] for row in invitations[1:] if row[answered_column]) == ["2026-03-03"] * 4
    responses = rows_of(table(campaign, "responses"))
    assert responses[0][:2] == ["\ufeffN°", "usage"]
    assert not {"Région", "Tranche d'âge", "Langue", "Envoyée le", "Réponse"} & set(responses[0])
    orders = set()
    for _attempt in range(3):  # the order is drawn for each export: never the order of the invitations
        nps = [row[responses[0].index("nps")] for row in rows_of(table(campaign, "responses"))[1:]]
        orders.add(tuple(nps))
    assert sorted(nps) == sorted(str(value) for value in [10, 9, 9, 8, 7, 6, 3]) and len(orders) > 1
    workbook = workbook_of(campaign)
    for sheet in ("Invitations", "Réponses"):
        values = [cell.value for row in workbook[sheet].iter_rows(min_row=2) for cell in row]
        assert not any(isinstance(value, datetime) and value.time() != datetime.min.time() for value in values)


def test_a_named_survey_keeps_its_rows_for_the_product_team(answered):
    invitations = rows_of(table(answered.campaign, "invitations"))
    assert invitations[0][0] == "\ufeffInvitation" and invitations[1][1] == "breton.0@exemple.fr"
    numbers = [int(row[0]) for row in invitations[1:]]
    assert numbers == sorted(numbers) and set(numbers) < set(Invitation.objects.values_list("pk", flat=True))


def test_an_analyst_cannot_have_a_row_level_table_written_by_the_task_either(answered, analyst_user):
    """The admin only offers analysts the workbook; an export job asking for a table they may not have (a crafted
    job, the shell) fails naming the table, and writes no file."""
    from reports.export_jobs import export_run, export_start
    from reports.models import ExportJob

    for name in ("invitations", "responses"):
        job = export_start(campaign=answered.campaign, user=analyst_user, fmt="csv", table=name)
        assert export_run(job.pk) == ExportJob.Status.FAILED
        job.refresh_from_db()
        assert name in job.error and not Path(job.file_path).exists()
