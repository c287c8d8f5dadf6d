"""The CRM's identifier of an ambassador: unique when set, imported, exported, erased."""

import pytest
from django.db import IntegrityError, transaction

from campaigns.audience.imports.run import import_ambassadors
from campaigns.audience.personal_data import ambassador_erase, ambassador_export
from campaigns.models import Ambassador
from reports.exports.sources.invitations import invitations_table
from tests.campaigns.factories import ambassador, launched_campaign, region_segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def write(tmp_path):
    def write(text, name="ambassadeurs.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_external_id_is_unique_when_set_and_many_may_have_none():
    ambassador("a@exemple.fr")
    ambassador("b@exemple.fr")
    ambassador("c@exemple.fr", external_id="CRM-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ambassador("d@exemple.fr", external_id="CRM-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ambassador("e@exemple.fr", external_id="")


def test_import_reads_the_external_id_column_in_french_or_english(write):
    report = import_ambassadors(write("email;id_externe\na@exemple.fr;CRM-1\nb@exemple.fr;\n"))
    assert (report.created, report.rejected) == (2, 0)
    assert dict(Ambassador.objects.values_list("email", "external_id")) == {
        "a@exemple.fr": "CRM-1",
        "b@exemple.fr": None,
    }
    import_ambassadors(write("email,external_id\nb@exemple.fr,CRM-2\na@exemple.fr,\n"), update=True)
    assert dict(Ambassador.objects.values_list("email", "external_id")) == {
        "a@exemple.fr": "CRM-1",
        "b@exemple.fr": "CRM-2",
    }


def test_an_external_id_repeated_in_the_file_is_reported_with_its_first_row_even_across_batches(write):
    rows = "".join(f"p{n}@exemple.fr;CRM-{n}\n" for n in range(5)) + "x@exemple.fr;CRM-1\n"
    report = import_ambassadors(write("email;id_externe\n" + rows), batch_size=2)
    assert report.rejected == 1 and not report.written
    error = report.errors[0]
    assert (error.row, error.column) == (7, "B « id_externe »") and "ligne 3" in error.message


def test_an_external_id_held_by_another_ambassador_is_refused_and_the_rest_kept_on_demand(write):
    ambassador("owner@exemple.fr", external_id="CRM-1")
    path = write("email;id_externe\nthief@exemple.fr;CRM-1\nok@exemple.fr;CRM-2\n")
    report = import_ambassadors(path, keep_valid=True)
    assert (report.created, report.rejected) == (1, 1)
    assert "autre ambassadeur" in report.errors[0].message and "owner@" not in report.errors[0].message
    assert Ambassador.objects.get(external_id="CRM-1").email == "owner@exemple.fr"


def test_an_external_id_longer_than_64_characters_is_refused(write):
    report = import_ambassadors(write("email;id_externe\na@exemple.fr;" + "x" * 65 + "\n"))
    assert report.rejected == 1 and "64" in report.errors[0].message


def test_personal_data_export_carries_the_external_id_and_erasure_clears_it():
    person = ambassador("lea@exemple.fr", external_id="CRM-9")
    assert ambassador_export(person)["ambassador"]["external_id"] == "CRM-9"
    ambassador_erase(person)
    assert Ambassador.objects.get(pk=person.pk).external_id is None


def test_the_invitations_export_carries_the_external_id_unless_anonymous():
    ambassador("breton@exemple.fr", region="bre", external_id="CRM-7")
    target = launched_campaign([region_segment()], kind="ideation")
    table = invitations_table(target)
    assert table.header[-1] == "Identifiant externe" and next(iter(table.rows()))[-1] == "CRM-7"
    assert "Identifiant externe" not in invitations_table(target, anonymous=True).header


def test_an_update_keeping_or_changing_an_ambassadors_own_external_id_is_accepted(write):
    ambassador("lea@exemple.fr", external_id="CRM-1")
    ambassador("paul@exemple.fr", external_id="CRM-2")
    path = write("email;id_externe;prenom\nlea@exemple.fr;CRM-1;Léa\npaul@exemple.fr;CRM-3;Paul\n")
    report = import_ambassadors(path, update=True)
    assert (report.updated, report.rejected) == (2, 0)
    assert dict(Ambassador.objects.values_list("email", "external_id")) == {
        "lea@exemple.fr": "CRM-1",
        "paul@exemple.fr": "CRM-3",
    }


def test_a_row_rejected_for_its_email_does_not_hold_its_external_id_against_a_later_row(write):
    path = write("email;id_externe\na@exemple.fr;CRM-1\na@exemple.fr;CRM-2\nb@exemple.fr;CRM-2\n")
    report = import_ambassadors(path, keep_valid=True)
    assert (report.created, report.rejected) == (2, 1)
    assert [(error.row, error.column) for error in report.errors] == [(3, "A « email »")]
    assert Ambassador.objects.get(external_id="CRM-2").email == "b@exemple.fr"


def test_the_file_of_rejected_rows_names_the_external_id_column_and_the_first_row(write, tmp_path):
    ambassador("owner@exemple.fr", external_id="CRM-9")
    path = write("email;crm_id\na@exemple.fr;CRM-1\nb@exemple.fr;CRM-1\nc@exemple.fr;CRM-9\n")
    report = import_ambassadors(path, rejected_csv=tmp_path / "rejets.csv")
    assert [(error.row, error.column) for error in report.errors] == [(3, "B « crm_id »"), (4, "B « crm_id »")]
    lines = (tmp_path / "rejets.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "email;crm_id;raison"
    assert lines[1].startswith("b@exemple.fr;CRM-1;") and "colonne B « crm_id »" in lines[1] and "ligne 2" in lines[1]
    assert lines[2].startswith("c@exemple.fr;CRM-9;") and "autre ambassadeur" in lines[2]
