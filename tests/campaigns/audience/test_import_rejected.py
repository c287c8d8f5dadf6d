"""The rejected rows of an import as a file: exactly those rows, their own columns and a "raison", to fix and
import again; downloaded from the import's page by who may import, kept like an export."""

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from campaigns.audience.imports.jobs import import_files_expire, rejected_dir
from campaigns.audience.imports.run import import_ambassadors
from campaigns.audience.personal_data import ambassador_erase
from campaigns.models import Ambassador, AmbassadorImport
from tests.admin_pages import refused

pytestmark = pytest.mark.django_db

IMPORT = "ambassador_import:index"
BAD_FILE = (
    "email;prenom;region;tranche_age\n"
    "lea@exemple.fr;Léa;bre;35-44\n"
    "pas-une-adresse;Jean;Atlantide;35-44\n"  # two bad cells: one rejected row
    "hugo@exemple.fr;Hugo;idf;25-34\n"
    "lea@exemple.fr;Léa bis;idf;25-34\n"  # repeated
    '=HYPERLINK("http://x");Evil;idf;25-34\n'
)


def rows_of(path):
    return list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8-sig")), delimiter=";"))


def test_a_row_with_two_bad_cells_is_one_rejected_row(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(BAD_FILE, encoding="utf-8")
    report = import_ambassadors(path)
    assert report.rejected == 3
    assert [error.row for error in report.errors] == [3, 3, 5, 6]


def test_the_command_writes_exactly_the_rejected_rows_with_their_reason(tmp_path, capsys):
    path, rejected = tmp_path / "a.csv", tmp_path / "rejets.csv"
    path.write_text(BAD_FILE, encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("import_ambassadors", str(path), "--rejected", str(rejected))
    assert str(rejected) in capsys.readouterr().out
    header, *rows = rows_of(rejected)
    assert header == ["email", "prenom", "region", "tranche_age", "raison"]
    assert [row[:4] for row in rows] == [
        ["pas-une-adresse", "Jean", "Atlantide", "35-44"],
        ["lea@exemple.fr", "Léa bis", "idf", "25-34"],
        ['\'=HYPERLINK("http://x")', "Evil", "idf", "25-34"],  # never run as a formula
    ]
    assert "ligne 3" in rows[0][4] and "A « email »" in rows[0][4] and "C « region »" in rows[0][4]
    assert "figure déjà à la ligne 2" in rows[1][4]
    assert Ambassador.objects.count() == 0


def test_fixing_the_rejected_file_and_importing_it_completes_the_import(tmp_path):
    path, rejected = tmp_path / "a.csv", tmp_path / "rejets.csv"
    path.write_text(BAD_FILE, encoding="utf-8")
    first = import_ambassadors(path, keep_valid=True, rejected_csv=rejected)
    assert (first.created, first.rejected) == (2, 3)
    header, *rows = rows_of(rejected)
    fixed = [["jean@exemple.fr", "Jean", "Bretagne", "35-44", rows[0][4]], ["zoe@exemple.fr", *rows[2][1:]]]
    with open(rejected, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([header, *fixed])  # the repeated row is dropped
    second = import_ambassadors(rejected)
    assert (second.created, second.rejected) == (2, 0)
    assert sorted(Ambassador.objects.values_list("email", flat=True)) == [
        "hugo@exemple.fr",
        "jean@exemple.fr",
        "lea@exemple.fr",
        "zoe@exemple.fr",
    ]
    assert Ambassador.objects.get(email="jean@exemple.fr").region == "bre"


KO_DAY = datetime(2016, 7, 2)  # noqa: DTZ001 - a workbook's dates are naive


def test_a_workbook_s_rejected_rows_come_back_as_a_workbook_keeping_the_cells_types(tmp_path):
    workbook = Workbook()
    workbook.active.append(["email", "prenom", "client_depuis"])
    workbook.active.append(["ok@exemple.fr", "Ok", KO_DAY.replace(year=2015)])
    workbook.active.append(["ko@exemple", "Ko", KO_DAY])
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    report = import_ambassadors(path, rejected_csv=tmp_path / "r.csv", rejected_xlsx=tmp_path / "r.xlsx")
    assert report.rejected == 1
    sheet = load_workbook(tmp_path / "r.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("email", "prenom", "client_depuis", "raison")
    assert rows[1][:3] == ("ko@exemple", "Ko", KO_DAY)
    assert len(rows) == 2
    assert rows_of(tmp_path / "r.csv")[1][:3] == ["ko@exemple", "Ko", "2016-07-02"]


def test_a_dry_run_says_what_would_be_created_and_updated(tmp_path, capsys):
    Ambassador.objects.create(email="lea@exemple.fr")
    path = tmp_path / "a.csv"
    path.write_text("email\nlea@exemple.fr\nhugo@exemple.fr\nzoe@exemple.fr\n", encoding="utf-8")
    report = import_ambassadors(path, update=True, dry_run=True)
    assert (report.would_create, report.would_update, report.created, report.written) == (2, 1, 0, False)
    call_command("import_ambassadors", str(path), "--update", "--dry-run")
    assert "créerait 2 et mettrait à jour 1" in capsys.readouterr().out
    assert Ambassador.objects.count() == 1


def upload(client, path, **options):
    with open(path, "rb") as handle:
        return client.post(reverse(IMPORT), {"file": handle, **options})


def test_round_trip_through_the_admin_import_download_fix_import(
    client_for, product_user, tmp_path, django_capture_on_commit_callbacks
):
    client = client_for(product_user)
    path = tmp_path / "clients de mars.csv"
    path.write_text(BAD_FILE, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, path)
    job = AmbassadorImport.objects.get()
    assert (job.status, job.rejected_count, job.rejected_xlsx) == ("rejected", 3, "")
    page = client.get(reverse("ambassador_import:detail", args=[job.pk])).content.decode()
    url = reverse("ambassador_import:rejected", args=[job.pk, "csv"])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert "clients de mars-lignes-rejetees.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 3
    fixed = tmp_path / "corrigé.csv"
    with open(fixed, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(
            [header, ["lea@exemple.fr", "Léa", "bre", "35-44", ""], ["hugo@exemple.fr", "Hugo", "idf", "25-34", ""]]
            + [["jean@exemple.fr", "Jean", "Bretagne", "35-44", rows[0][4]]]
        )
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, fixed)
    second = AmbassadorImport.objects.latest("pk")
    assert (second.status, second.created_count, second.rejected_count, second.rejected_csv) == ("done", 3, 0, "")


def test_a_workbook_upload_offers_its_rejected_rows_as_a_workbook_too(
    client_for, product_user, tmp_path, django_capture_on_commit_callbacks
):
    workbook = Workbook()
    workbook.active.append(["email"])
    workbook.active.append(["ko@exemple"])
    path = tmp_path / "liste.xlsx"
    workbook.save(path)
    client = client_for(product_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, path)
    job = AmbassadorImport.objects.get()
    response = client.get(reverse("ambassador_import:rejected", args=[job.pk, "xlsx"]))
    assert response.status_code == 200 and "liste-lignes-rejetees.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["email", "ko@exemple"]


@pytest.fixture
def rejected_job(tmp_path):
    csv_path = rejected_dir() / "1-test.csv"
    csv_path.write_text("email;raison\nlea@exemple.fr;x\n", encoding="utf-8-sig")
    return AmbassadorImport.objects.create(file_name="a.csv", status="rejected", rejected_csv=str(csv_path))


@pytest.mark.parametrize("role", ["editor_user", "moderator_user", "analyst_user", "outsider_user"])
def test_other_roles_cannot_download_rejected_rows(request, client_for, role, rejected_job):
    client = client_for(request.getfixturevalue(role))
    response = client.get(reverse("ambassador_import:rejected", args=[rejected_job.pk, "csv"]))
    assert refused(response)
    assert b"lea@exemple.fr" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_an_anonymous_visitor_cannot_download_rejected_rows(client, rejected_job):
    assert refused(client.get(reverse("ambassador_import:rejected", args=[rejected_job.pk, "csv"])))


def test_unknown_format_or_missing_file_answers_404(client_for, product_user, rejected_job):
    client = client_for(product_user)
    assert client.get(reverse("ambassador_import:rejected", args=[rejected_job.pk, "xlsx"])).status_code == 404
    assert client.get(reverse("ambassador_import:rejected", args=[rejected_job.pk, "pdf"])).status_code == 404
    assert client.get(f"/admin/ambassador_import/{rejected_job.pk}/rejected.stored_path").status_code == 404


def test_rejected_files_go_after_the_export_retention(settings, rejected_job, django_capture_on_commit_callbacks):
    settings.EXPORT_RETENTION_DAYS = 30
    path = Path(rejected_job.rejected_csv)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_files_expire(timezone.now() + timedelta(days=29)) == 0
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert import_files_expire(timezone.now() + timedelta(days=31)) == 1
    assert not path.exists()
    rejected_job.refresh_from_db()
    assert rejected_job.rejected_csv == ""


def test_erasing_someone_deletes_the_rejected_files_naming_them(rejected_job, django_capture_on_commit_callbacks):
    other = rejected_dir() / "2-test.csv"
    other.write_text("email;raison\nhugo@exemple.fr;x\n", encoding="utf-8-sig")
    kept = AmbassadorImport.objects.create(file_name="b.csv", rejected_csv=str(other))
    lea = Ambassador.objects.create(email="lea@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        ambassador_erase(lea)
    assert not Path(rejected_job.rejected_csv).exists() and other.exists()
    kept.refresh_from_db()
    assert kept.rejected_csv == str(other)


def test_messages_name_the_uploaded_file_not_the_stored_one(
    client_for, product_user, tmp_path, django_capture_on_commit_callbacks
):
    client = client_for(product_user)
    path = tmp_path / "mes clients.csv"
    path.write_text("prenom\nLéa\n", encoding="utf-8")
    response = upload(client, path)  # no email column: the mapping step, named after the uploaded file
    assert response.url == reverse("ambassador_import:columns")
    assert "mes clients.csv" in client.get(response.url).content.decode()
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, path)
    job = AmbassadorImport.objects.get()
    assert job.status == "failed" and "mes clients.csv" in job.fatal_error


def test_the_template_downloads_and_imports_as_it_is(client_for, product_user, tmp_path):
    response = client_for(product_user).get(reverse("ambassador_import:template"))
    assert response.status_code == 200 and "modele-ambassadeurs.csv" in response["Content-Disposition"]
    path = tmp_path / "modele.csv"
    path.write_bytes(response.content)
    report = import_ambassadors(path)
    assert (report.created, report.rejected) == (1, 0), report.errors
    lea = Ambassador.objects.get()
    assert (lea.region, lea.age_band, lea.customer_since.year) == ("bre", "35-44", 2012)


@pytest.mark.parametrize("role", ["editor_user", "analyst_user", "outsider_user"])
def test_other_roles_cannot_download_the_template(request, client_for, role):
    assert refused(client_for(request.getfixturevalue(role)).get(reverse("ambassador_import:template")))
