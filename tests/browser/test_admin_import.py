"""A person logs into the admin in a real Chromium and imports a spreadsheet through the form; a file with
errors comes back as a file of its rejected rows, which fixed and imported again completes the import."""

import csv
import re

import pytest

from campaigns.models import Ambassador
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_product_team_member_imports_ambassadors_from_the_admin(page, product_user, tmp_path):
    upload = tmp_path / "ambassadeurs.csv"
    upload.write_text(
        "\ufeffemail;prenom;nom;region;produits\n"
        "lea.martin@exemple.fr;Léa;Martin;Bretagne;livret-a|pea\n"
        "hugo@exemple.fr;Hugo;<b>Durand</b>;idf;\n"
        "pas-une-adresse;X;Y;idf;\n",
        encoding="utf-8",
    )
    log_in(page, product_user)
    page.get_by_role("button", name="Ambassadeurs").click()
    page.get_by_role("link", name="Importer").click()
    page.get_by_label("Fichier").set_input_files(str(upload))
    page.get_by_label("Garder les lignes valides si certaines sont rejetées").check()
    page.get_by_role("button", name="Importer").click()

    page.wait_for_selector("[data-import-status=done]")
    assert page.locator("[data-created]").inner_text() == "2"
    assert page.locator("[data-rejected]").inner_text() == "1"
    assert (
        "« pas-une-adresse » n'est pas une adresse e-mail valide."
        in page.locator("[data-import-status] table").inner_text()
    )
    assert sorted(Ambassador.objects.values_list("email", flat=True)) == ["hugo@exemple.fr", "lea.martin@exemple.fr"]

    page.goto("/admin/snippets/campaigns/ambassador/?q=durand")
    assert page.get_by_text("<b>Durand</b>").is_visible()  # shown as text, not markup


def test_segment_size_follows_the_rules_as_they_are_edited(page, product_user):
    from django.utils import timezone

    now = timezone.now()
    Ambassador.objects.bulk_create(
        [Ambassador(email=f"b{i}@exemple.fr", region="bre", consent_at=now) for i in range(3)]
        + [Ambassador(email="p@exemple.fr", region="idf", consent_at=now)]
    )
    log_in(page, product_user)
    page.goto("/admin/snippets/campaigns/segment/add/")
    page.get_by_role("textbox", name="Nom*").fill("Bretons")
    size = page.locator("[data-segment-size-output]")
    page.get_by_role("button", name=re.compile("Ajouter.*condition")).click()
    page.locator("select[name='rules-0-attribute']").select_option("region_in")
    # the regions are picked by their names; the codes go in the field
    page.get_by_role("checkbox", name="Bretagne").check()
    page.wait_for_function("document.querySelector('[data-segment-size-output]').dataset.count === '3'")
    page.get_by_role("checkbox", name="Île-de-France").check()
    page.wait_for_function("document.querySelector('[data-segment-size-output]').dataset.count === '4'")
    assert "4" in size.inner_text()
    assert page.locator("input[name='rules-0-value']").input_value() == "bre,idf"
    page.get_by_role("checkbox", name="Bretagne").uncheck()
    page.get_by_role("checkbox", name="Île-de-France").uncheck()
    page.wait_for_function("document.querySelector('[data-segment-size-output]').dataset.count === ''")
    assert "au moins une valeur" in size.inner_text()


def test_rejected_rows_are_downloaded_fixed_and_imported_again(page, product_user, tmp_path):
    upload = tmp_path / "clients.csv"
    upload.write_text(
        "\ufeffemail;prenom;region\nlea@exemple.fr;Léa;bre\nhugo@exemple;Hugo;idf\nzoe@exemple.fr;Zoé;Atlantide\n",
        encoding="utf-8",
    )
    log_in(page, product_user)
    page.goto("/admin/ambassador_import/")
    page.get_by_label("Fichier").set_input_files(str(upload))
    page.get_by_role("button", name="Importer").click()

    page.wait_for_selector("[data-import-status=rejected]")
    assert page.locator("[data-rejected]").inner_text() == "2"
    screenshot(page, "import-rejected-rows")
    with page.expect_download() as info:
        page.locator("[data-rejected-csv]").click()
    rejected = tmp_path / info.value.suggested_filename
    assert rejected.name == "clients-lignes-rejetees.csv"
    info.value.save_as(rejected)
    header, *rows = list(csv.reader(rejected.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert header == ["email", "prenom", "region", "raison"]
    assert [row[0] for row in rows] == ["hugo@exemple", "zoe@exemple.fr"]
    assert "Atlantide" in rows[1][3]
    fixed = [["lea@exemple.fr", "Léa", "bre", ""], ["hugo@exemple.fr", "Hugo", "idf", rows[0][3]]]
    fixed.append(["zoe@exemple.fr", "Zoé", "Île-de-France", rows[1][3]])
    with open(rejected, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([header, *fixed])

    page.get_by_role("link", name="Nouvel import").click()
    page.get_by_label("Fichier").set_input_files(str(rejected))
    page.get_by_role("button", name="Importer").click()
    page.wait_for_selector("[data-import-status=done]")
    assert page.locator("[data-created]").inner_text() == "3"
    assert page.locator("[data-rejected]").inner_text() == "0"
    assert Ambassador.objects.get(email="zoe@exemple.fr").region == "idf"
