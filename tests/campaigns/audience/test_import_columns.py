"""Column mapping: a file whose headers differ from ours imports once each column is mapped to a field, from the
admin's mapping step (suggestions preselected) or from the command (``--map``)."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from campaigns.audience.imports.columns import chosen_columns, parse_map, suggestions
from campaigns.audience.imports.files import ImportFileError
from campaigns.audience.imports.run import import_ambassadors
from campaigns.models import Ambassador, AmbassadorImport

pytestmark = pytest.mark.django_db

IMPORT = "ambassador_import:index"
# As a bank's CRM exports it from French Excel: Windows-1252, ";", its own headers, labels rather than codes.
CRM_FILE = (
    "Adresse électronique;Prénom;Nom de famille;Ville;Région;Tranche d'âge;Langue préférée\r\n"
    "lea.martin@exemple.fr;Léa;Martin;Rennes;Bretagne;35 à 44 ans;Français\r\n"
    "hugo.bernard@exemple.fr;Hugo;Bernard;Brest;Bretagne;25 à 34 ans;Anglais\r\n"
)
CRM_MAP = {"Adresse électronique": "email", "Ville": "", "Langue préférée": "locale"}


@pytest.fixture
def crm_file(tmp_path):
    path = tmp_path / "export CRM.csv"
    path.write_bytes(CRM_FILE.encode("cp1252"))
    return path


def test_suggestions_come_from_known_spellings_then_from_a_header_holding_one():
    header = ["Courriel", "Prénom", "Nom de famille", "E-mail pro", "Ville", "Tranche d'âge", "Langue préférée"]
    fields = [field for _letter, _header, field in suggestions(header)]
    assert fields == ["email", "first_name", "last_name", "", "", "age_band", "locale"]  # email once at most
    assert suggestions(["Adresse e-mail du client"])[0] == ("A", "Adresse e-mail du client", "email")


def test_a_crm_file_with_its_own_headers_imports_once_mapped(crm_file):
    with pytest.raises(ImportFileError, match="Colonnes inconnues dans export CRM.csv"):
        import_ambassadors(crm_file)
    report = import_ambassadors(crm_file, columns=CRM_MAP)
    assert (report.created, report.rejected) == (2, 0), report.errors
    lea = Ambassador.objects.get(email="lea.martin@exemple.fr")
    assert (lea.first_name, lea.last_name, lea.region, lea.age_band, lea.locale) == (
        "Léa",
        "Martin",
        "bre",
        "35-44",
        "fr",
    )
    assert Ambassador.objects.get(first_name="Hugo").locale == "en"


def test_columns_are_named_by_header_or_letter_and_a_missing_one_is_named():
    header = ["Courriel", "Ville"]
    assert chosen_columns(header, {"courriel": "email", "B": ""}, "f.csv") == {0: "email", 1: ""}
    with pytest.raises(ImportFileError, match="Le fichier f.csv n'a pas de colonne « Téléphone »"):
        chosen_columns(header, {"Téléphone": "email"}, "f.csv")


def test_the_command_maps_columns_and_names_a_bad_pair(crm_file, capsys):
    maps = ["Adresse électronique=email", "Ville=", "Langue préférée=locale"]
    call_command("import_ambassadors", str(crm_file), *[f"--map={pair}" for pair in maps])
    assert Ambassador.objects.count() == 2 and "2 créées" in capsys.readouterr().out
    assert parse_map(["Courriel = email"]) == {"Courriel": "email"}
    with pytest.raises(CommandError, match="Correspondance « Ville=ville » incomprise"):
        call_command("import_ambassadors", str(crm_file), "--map", "Ville=ville")


def test_the_admin_asks_for_the_mapping_with_suggestions_then_imports(
    client_for, product_user, crm_file, django_capture_on_commit_callbacks
):
    client = client_for(product_user)
    with crm_file.open("rb") as handle:
        response = client.post(reverse(IMPORT), {"file": handle, "dry_run": "on"})
    assert response.url == reverse("ambassador_import:columns") and not AmbassadorImport.objects.exists()
    page = client.get(response.url).content.decode()
    assert "export CRM.csv" in page and "Colonne A « Adresse électronique »" in page
    assert '<option value="first_name" selected>' in page and '<option value="region" selected>' in page
    choices = {f"column_{letter}": field for letter, field in zip("ABCDEFG", ["", "first_name", "", "", "", "", ""])}
    refused = client.post(response.url, choices).content.decode()
    assert "Choisissez la colonne qui porte l&#x27;adresse e-mail." in refused
    choices.update(column_A="email", column_C="last_name", column_E="region", column_F="age_band", column_G="locale")
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(response.url, choices)
    job = AmbassadorImport.objects.get()
    assert done.url == reverse("ambassador_import:detail", args=[job.pk])
    assert (job.file_name, job.status, job.dry_run, job.created_count) == ("export CRM.csv", "done", True, 2)
    assert not Ambassador.objects.exists()  # a dry run: it says what would be created
    again = client.get(reverse("ambassador_import:columns")).content.decode()  # the step is used once
    assert "data-no-pending-import" in again and "Aucun fichier n'attend sa correspondance" in again


def test_the_mapping_step_can_be_asked_for_a_file_of_known_headers(client_for, product_user, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("email;prenom\nzoe@exemple.fr;Zoé\n", encoding="utf-8")
    client = client_for(product_user)
    with path.open("rb") as handle:
        response = client.post(reverse(IMPORT), {"file": handle, "choose_columns": "on"})
    page = client.get(response.url).content.decode()
    assert '<option value="email" selected>' in page and '<option value="first_name" selected>' in page


def test_a_file_left_at_the_mapping_step_goes_after_the_retention(
    settings, client_for, product_user, crm_file, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.audience.imports.jobs import import_dir, import_files_expire

    settings.EXPORT_RETENTION_DAYS = 30
    with crm_file.open("rb") as handle:
        client_for(product_user).post(reverse(IMPORT), {"file": handle})  # then the step is abandoned
    [left] = [path for path in import_dir().iterdir() if path.is_file()]
    with django_capture_on_commit_callbacks(execute=True):
        assert import_files_expire(timezone.now() + timedelta(days=29)) == 0
        assert left.exists() and import_files_expire(timezone.now() + timedelta(days=31)) == 1
    assert not left.exists()
