from datetime import date

import pytest
from django.core.validators import validate_email
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from campaigns.audience.imports.files import ImportFileError
from campaigns.audience.imports.rows import PLAIN_EMAIL
from campaigns.audience.imports.run import import_ambassadors
from campaigns.models import Ambassador, AmbassadorProduct, Segment, Tag

pytestmark = pytest.mark.django_db

HEADER = "email;prenom;nom;langue;region;tranche_age;client_depuis;produits;etiquettes;consentement"


@pytest.fixture
def write(tmp_path):
    def write(text, name="ambassadeurs.csv", encoding="utf-8-sig"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
        return path

    return write


def emails():
    return sorted(Ambassador.objects.values_list("email", flat=True))


def test_french_excel_csv_with_bom_and_semicolons_imports_every_column(write):
    path = write(
        HEADER + "\n"
        "Claire.Dupont@Exemple.fr;Claire;Dupont;fr;Île-de-France;35-44;15/03/2012;livret-a|assurance-vie;Early-Adopter;oui\n"
        "john.smith@example.com;John;Smith;en;bre;65+;2001-09-01;compte-courant;;non\n"
    )
    report = import_ambassadors(path)
    assert (report.rows, report.created, report.rejected, report.written) == (2, 2, 0, True)
    claire = Ambassador.objects.get(email="claire.dupont@exemple.fr")
    assert (claire.first_name, claire.locale, claire.region, claire.age_band) == ("Claire", "fr", "idf", "35-44")
    assert claire.customer_since == date(2012, 3, 15)
    assert sorted(claire.products.values_list("code", flat=True)) == ["assurance-vie", "livret-a"]
    assert list(claire.tags.values_list("name", flat=True)) == ["early-adopter"]
    assert claire.consent_at is not None
    john = Ambassador.objects.get(email="john.smith@example.com")
    assert (john.locale, john.region, john.age_band, john.consent_at) == ("en", "bre", "65+", None)


def test_comma_separated_csv_without_bom_imports(write):
    path = write('email,first_name,products\nana@exemple.fr,Ana,"livret-a,pea"\n', encoding="utf-8")
    assert import_ambassadors(path).created == 1
    assert Ambassador.objects.get().products.count() == 2


def test_xlsx_with_real_dates_imports(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Courriel", "Prénom", "Client depuis", "Produits"])
    sheet.append(["marc@exemple.fr", "Marc", timezone.datetime(2015, 6, 1), "Livret A"])
    sheet.append([None, None, None, None])  # a blank row Excel leaves behind
    path = tmp_path / "ambassadeurs.xlsx"
    workbook.save(path)
    report = import_ambassadors(path)
    assert (report.rows, report.created) == (1, 1)
    marc = Ambassador.objects.get()
    assert marc.customer_since == date(2015, 6, 1)
    assert list(marc.products.values_list("code", flat=True)) == ["livret-a"]


def test_bad_email_is_reported_with_row_and_column_and_nothing_is_written(write):
    path = write(HEADER + "\nok@exemple.fr;A;B;fr;;;;;;\nnot-an-email;C;D;fr;;;;;;\n")
    report = import_ambassadors(path)
    assert (report.rejected, report.written) == (1, False)
    [error] = report.errors
    assert error.row == 3
    assert error.column == "A « email »"
    assert "not-an-email" in error.message
    assert "ligne 3, colonne A « email »" in str(error)
    assert Ambassador.objects.count() == 0


def test_every_wrong_cell_of_a_row_is_reported(write):
    path = write(HEADER + "\nx@exemple.fr;A;B;de;Atlantide;12-17;31/02/2020;livret-z;;peut-être\n")
    report = import_ambassadors(path)
    columns = [error.column for error in report.errors]
    assert columns == [
        "D « langue »",
        "E « region »",
        "F « tranche_age »",
        "G « client_depuis »",
        "H « produits »",
        "J « consentement »",
    ]
    assert all(error.row == 2 for error in report.errors)
    assert "livret-z" in report.errors[4].message and "livret-a" in report.errors[4].message


def test_customer_since_in_the_future_is_rejected(write):
    path = write(f"email;client_depuis\na@exemple.fr;{timezone.localdate().year + 1}-01-01\n")
    [error] = import_ambassadors(path).errors
    assert "futur" in error.message


def test_duplicate_rows_are_reported_with_the_row_they_repeat_even_across_batches(write):
    rows = "\n".join(f"p{i}@exemple.fr;P{i}" for i in range(10))
    path = write(f"email;prenom\n{rows}\nP3@EXEMPLE.FR;Again\np7@exemple.fr;Again\n")
    report = import_ambassadors(path, batch_size=4)
    assert [(error.row, error.message) for error in report.errors] == [
        (12, "p3@exemple.fr figure déjà à la ligne 5."),
        (13, "p7@exemple.fr figure déjà à la ligne 9."),
    ]
    assert Ambassador.objects.count() == 0


def test_keep_valid_writes_the_valid_rows_and_reports_exactly_the_others(write):
    path = write("email;prenom\na@exemple.fr;A\nbroken;B\nc@exemple.fr;C\na@exemple.fr;A2\n")
    report = import_ambassadors(path, keep_valid=True, batch_size=2)
    assert (report.created, report.rejected, report.written) == (2, 2, True)
    assert [error.row for error in report.errors] == [3, 5]
    assert emails() == ["a@exemple.fr", "c@exemple.fr"]
    assert Ambassador.objects.get(email="a@exemple.fr").first_name == "A"


def test_existing_email_is_rejected_without_update_and_compared_case_insensitively(write):
    Ambassador.objects.create(email="anne@exemple.fr", first_name="Anne")
    path = write("email;prenom\nAnne@Exemple.FR;Annie\nnew@exemple.fr;New\n")
    report = import_ambassadors(path)
    [error] = report.errors
    assert error.row == 2 and "déjà un ambassadeur" in error.message
    assert emails() == ["anne@exemple.fr"]
    assert Ambassador.objects.get().first_name == "Anne"


def test_update_replaces_filled_cells_and_keeps_empty_ones(write):
    anne = Ambassador.objects.create(email="anne@exemple.fr", first_name="Anne", last_name="Martin", region="bre")
    AmbassadorProduct.objects.create(ambassador=anne, product_id=1)
    path = write("email;prenom;nom;region;produits\nANNE@exemple.fr;Annie;;occ;pea|ldds\nnew@exemple.fr;Nouveau;;;\n")
    report = import_ambassadors(path, update=True)
    assert (report.created, report.updated) == (1, 1)
    anne.refresh_from_db()
    assert (anne.first_name, anne.last_name, anne.region) == ("Annie", "Martin", "occ")
    assert sorted(anne.products.values_list("code", flat=True)) == ["ldds", "pea"]


def test_an_import_never_clears_an_opt_out(write):
    opted_out_at = timezone.now()
    Ambassador.objects.create(email="parti@exemple.fr", opted_out_at=opted_out_at, consent_at=opted_out_at)
    import_ambassadors(write("email;consentement\nparti@exemple.fr;oui\n"), update=True)
    assert Ambassador.objects.get().opted_out_at == opted_out_at


def test_dry_run_checks_everything_and_writes_nothing(write):
    report = import_ambassadors(write("email\na@exemple.fr\nb@exemple.fr\n"), dry_run=True)
    assert (report.rows, report.rejected, report.written) == (2, 0, False)
    assert Ambassador.objects.count() == 0


def test_imported_ambassadors_join_a_static_segment(write):
    panel = Segment.objects.create(name="Panel", kind=Segment.Kind.STATIC)
    import_ambassadors(write("email;etiquettes\na@exemple.fr;Beta|beta, Test\n"), segment=panel)
    assert list(panel.members.values_list("email", flat=True)) == ["a@exemple.fr"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["beta", "test"]


def test_rule_segment_cannot_receive_imported_ambassadors(write):
    segment = Segment.objects.create(name="Filtre")
    with pytest.raises(ImportFileError, match="liste fixe"):
        import_ambassadors(write("email\na@exemple.fr\n"), segment=segment)


def test_progress_is_reported_for_both_stages(write):
    calls = []
    rows = "\n".join(f"p{i}@exemple.fr" for i in range(5))
    import_ambassadors(
        write(f"email\n{rows}\n"),
        batch_size=2,
        progress=lambda stage, done, total, report: calls.append((stage, done, total)),
    )
    assert calls == [
        ("validating", 2, None),
        ("validating", 4, None),
        ("validating", 5, None),
        ("writing", 2, 5),
        ("writing", 4, 5),
        ("writing", 5, 5),
    ]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "vide.csv", "est vide"),
        (b"   \n\n", "blanc.csv", "est vide"),
        ("email;prenom\n", "entete.csv", "aucune ligne de données"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "image.csv", "données binaires"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "classeur.csv", "renommez-le en .xlsx"),
        (b"PK\x03\x04 not really a zip", "casse.xlsx", "n'est pas un classeur XLSX lisible"),
        ("prenom;nom\nA;B\n", "sans-email.csv", "pas de colonne « email »"),
        ("email;telephone;iban\na@exemple.fr;06;FR76\n", "colonnes.csv", "Colonnes inconnues"),
        ("email;Courriel\na@exemple.fr;b@exemple.fr\n", "double.csv", "apparaît deux fois"),
        (b"email;prenom\na@exemple.fr;H\xe9l\xe8ne\n" + "é".encode() * 30000 + b"\x81\n", "mixte.csv", "UTF-8"),
    ],
)
def test_unreadable_file_gets_one_clear_message_and_changes_nothing(write, content, name, message):
    path = write(content, name=name, encoding="utf-8")
    with pytest.raises(ImportFileError, match=message):
        import_ambassadors(path)
    assert Ambassador.objects.count() == 0


def test_unknown_columns_are_named_with_their_letter(write):
    with pytest.raises(ImportFileError) as info:
        import_ambassadors(write("email;telephone\na@exemple.fr;06\n"))
    assert "B « telephone »" in str(info.value)


def test_row_with_more_cells_than_the_header_is_rejected(write):
    [error] = import_ambassadors(write("email;prenom\na@exemple.fr;A;surplus\n")).errors
    assert error.row == 2 and "1 cellule(s) de plus" in error.message


def test_hostile_text_is_stored_as_text(write):
    import_ambassadors(write('email;prenom\na@exemple.fr;"<script>alert(1)</script>"\n'))
    assert Ambassador.objects.get().first_name == "<script>alert(1)</script>"


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="abc0.-_+@", max_size=24))
def test_every_address_of_the_fast_shape_is_one_django_accepts(text):
    if PLAIN_EMAIL.match(text):
        validate_email(text)


def test_an_address_longer_than_the_column_is_rejected_not_a_crash(write):
    long = "a" * 250 + "@exemple.fr"
    [error] = import_ambassadors(write(f"email\n{long}\n")).errors
    assert "254 caractères au plus" in error.message


def test_a_french_excel_csv_in_windows_1252_with_labels_imports(write):
    text = "Courriel;Prénom;Région;Tranche d'âge;Langue\nhelene@exemple.fr;Hélène;Bretagne;35 à 44 ans;Français\n"
    text += "zoe@exemple.fr;Zoé;Île-de-France;65 ans et plus;Anglais\n"
    report = import_ambassadors(write(text, encoding="cp1252"))
    assert (report.created, report.rejected) == (2, 0), report.errors
    helene = Ambassador.objects.get(email="helene@exemple.fr")
    assert (helene.first_name, helene.region, helene.age_band, helene.locale) == ("Hélène", "bre", "35-44", "fr")
    zoe = Ambassador.objects.get(email="zoe@exemple.fr")
    assert (zoe.region, zoe.age_band, zoe.locale) == ("idf", "65+", "en")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf_16_csv_imports(write, encoding):
    text = "email\tprenom\n".replace("\t", ";") + "lea@exemple.fr;Léa\n"
    report = import_ambassadors(write(text, encoding=encoding))
    assert (report.created, report.rejected) == (1, 0)
    assert Ambassador.objects.get().first_name == "Léa"


def test_english_labels_are_accepted_too(write):
    report = import_ambassadors(write("email;tranche_age\na@exemple.fr;35 to 44\n"))
    assert report.rejected == 0 and Ambassador.objects.get().age_band == "35-44"


def test_a_nul_character_beyond_the_first_bytes_is_a_rejected_cell(write):
    padding = "".join(f"p{i}@exemple.fr;P\n" for i in range(5000))
    report = import_ambassadors(write(f"email;prenom\n{padding}nul@exemple.fr;A\x00B\n"))
    [error] = report.errors
    assert (error.row, report.rejected) == (5002, 1) and "caractère nul" in error.message


def test_update_replaces_tags_only_where_the_cell_is_filled(write):
    import_ambassadors(write("email;etiquettes\na@exemple.fr;vip|beta\nb@exemple.fr;vip\n"))
    report = import_ambassadors(write("email;etiquettes;prenom\na@exemple.fr;panel;A\nb@exemple.fr;;B\n"), update=True)
    assert (report.created, report.updated) == (0, 2)
    tags = {a.email: sorted(a.tags.values_list("name", flat=True)) for a in Ambassador.objects.all()}
    assert tags == {"a@exemple.fr": ["panel"], "b@exemple.fr": ["vip"]}


def test_tag_names_with_quotes_braces_and_backslashes_are_kept_as_written(write):
    """Products and tags travel to the database as array text: no character of a name may change its meaning."""
    path = write('email;etiquettes\na@exemple.fr;"a\\b|c""d|{x}|é ,z"\n')
    assert import_ambassadors(path).created == 1
    names = Ambassador.objects.get().tags.values_list("name", flat=True)
    assert sorted(names) == sorted(["a\\b", 'c"d', "{x}", "é", "z"])


def test_the_tables_an_import_writes_carry_no_index_another_one_makes_useless(db):
    """Every index costs every row an import writes: none of the ambassadors' or their link tables' indexes
    starts with the same columns as a longer (or equal, earlier) index of the same table."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the indexes Django adds for a unique text column or a foreign key are PostgreSQL's")
    tables = [
        "campaigns_ambassador",
        "campaigns_ambassadorproduct",
        "campaigns_ambassadortag",
        "campaigns_segmentmember",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indrelid::regclass::text, indexrelid::regclass::text, indkey::int2[] FROM pg_index "
            "WHERE indrelid::regclass::text = ANY(%s) ORDER BY indexrelid",
            [tables],
        )
        indexes = cursor.fetchall()
    useless = [
        (name, other)
        for table, name, columns in indexes
        for other_table, other, other_columns in indexes
        if table == other_table
        and name != other
        and other_columns[: len(columns)] == columns
        and (len(other_columns) > len(columns) or other < name)
    ]
    assert useless == []


def test_an_ambassador_deleted_between_the_checks_and_the_write_fails_the_batch(write, monkeypatch):
    from django.db import IntegrityError

    from campaigns.audience.imports.staging import Staging

    Ambassador.objects.create(email="parti@exemple.fr")
    check = Staging.check

    def check_then_delete(self, *args):
        counts = check(self, *args)
        Ambassador.objects.filter(email="parti@exemple.fr").delete()
        return counts

    monkeypatch.setattr(Staging, "check", check_then_delete)
    with pytest.raises(IntegrityError, match="supprimé pendant l'import"):
        import_ambassadors(write("email;produits\nparti@exemple.fr;pea\nneuf@exemple.fr;pea\n"), update=True)
    assert AmbassadorProduct.objects.count() == 0
