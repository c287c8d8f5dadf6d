import json
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Ambassador
from tests.campaigns.factories import ambassador, region_segment

pytestmark = pytest.mark.django_db


def test_upsert_creates_then_updates_by_email_or_crm_id_and_is_idempotent(api_for):
    rows = [
        {"email": "Claire@Exemple.fr", "external_id": "CRM-1", "first_name": "Claire", "region": "idf"},
        {"email": "jean@exemple.fr", "products": ["livret-a-inconnu"]},
        {"external_id": "CRM-404", "first_name": "Personne"},
        {"email": "not-an-email"},
    ]
    first = api_for("product").post("/ambassadors/upsert", {"ambassadors": rows}).json()
    assert (first["rows"], first["created"], first["updated"], first["rejected"]) == (4, 1, 0, 3)
    assert [(error["index"], error["field"]) for error in first["errors"]] == [
        (1, "products"),
        (2, "email"),
        (3, "email"),
    ]
    assert "CRM-404" in first["errors"][1]["message"]
    again = api_for("product").post("/ambassadors/upsert", {"ambassadors": rows[:1]}).json()
    assert (again["created"], again["updated"], again["rejected"]) == (0, 1, 0)
    by_id = api_for("product").post(
        "/ambassadors/upsert", {"ambassadors": [{"external_id": "CRM-1", "last_name": "Dupont"}]}
    )
    assert by_id.json()["updated"] == 1
    claire = Ambassador.objects.get()
    assert (claire.email, claire.first_name, claire.last_name, claire.region) == (
        "claire@exemple.fr",
        "Claire",
        "Dupont",
        "idf",
    )


def test_upsert_refuses_a_crm_id_that_another_ambassador_holds(api_for):
    ambassador("owner@exemple.fr", external_id="CRM-1")
    answer = api_for("product").post(
        "/ambassadors/upsert", {"ambassadors": [{"email": "x@exemple.fr", "external_id": "CRM-1"}]}
    )
    assert answer.json()["rejected"] == 1 and answer.json()["errors"][0]["field"] == "external_id"
    assert not Ambassador.objects.filter(email="x@exemple.fr").exists()


def test_upsert_of_10000_ambassadors_in_one_call_reads_back_its_figures(api_for):
    region_segment()
    rows = [{"email": f"p{n}@exemple.fr", "external_id": f"C{n}", "region": "bre"} for n in range(10_000)]
    answer = api_for("product").post("/ambassadors/upsert", {"ambassadors": rows})
    assert answer.status_code == 200, answer.content[:300]
    assert {k: answer.json()[k] for k in ("rows", "created", "updated", "rejected")} == {
        "rows": 10_000,
        "created": 10_000,
        "updated": 0,
        "rejected": 0,
    }
    assert Ambassador.objects.filter(region="bre", external_id__startswith="C").count() == 10_000
    segments = api_for("product").get("/segments").json()
    assert [(segment["name"], segment["size"]) for segment in segments] == [("Bretons", 10_000)]
    again = api_for("product").post("/ambassadors/upsert", {"ambassadors": rows}).json()
    assert (again["created"], again["updated"]) == (0, 10_000)


def full_row(n):
    return {
        "email": f"claire.dupont.{n}@exemple.fr",
        "external_id": f"CRM-{n:010d}",
        "first_name": "Claire-Amélie",
        "last_name": "Dupont de la Fontaine",
        "locale": "fr",
        "region": "bre",
        "age_band": "35-44",
        "customer_since": "2012-03-15",
        "products": ["livret-a", "pea", "assurance-vie"],
        "tags": ["client-premium", "appli-mobile"],
        "consent": True,
    }


def test_upsert_of_10000_ambassadors_with_every_column_takes_a_body_over_djangos_default_limit(api_for, settings):
    region_segment()
    body = {"ambassadors": [full_row(n) for n in range(10_000)]}
    assert len(json.dumps(body)) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # 2.5 MB: the upsert has its own limit
    answer = api_for("product").post("/ambassadors/upsert", body)
    assert answer.status_code == 200, answer.content[:300]
    assert (answer.json()["created"], answer.json()["rejected"]) == (10_000, 0)
    segments = api_for("analyst").get("/segments").json()
    assert [(segment["name"], segment["size"]) for segment in segments] == [("Bretons", 10_000)]


def test_upsert_body_over_its_own_limit_is_refused_with_the_setting_named(api_for, settings):
    settings.API_UPSERT_MAX_BODY_MB = 1
    answer = api_for("product").post("/ambassadors/upsert", {"ambassadors": [full_row(n) for n in range(5_000)]})
    assert answer.status_code == 413 and "API_UPSERT_MAX_BODY_MB" in answer.json()["detail"]
    assert not Ambassador.objects.exists()


def test_other_endpoints_keep_djangos_body_limit(api_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answer = api_for("product").post("/opt-outs", {"ambassadors": [{"email": f"{n}@exemple.fr"} for n in range(100)]})
    assert answer.status_code == 400
    assert not Ambassador.objects.filter(opted_out_at__isnull=False).exists()


def test_upsert_past_the_row_limit_is_refused_with_the_setting_named(api_for, settings):
    settings.API_UPSERT_MAX_ROWS = 2
    answer = api_for("product").post("/ambassadors/upsert", {"ambassadors": [{"email": f"{n}@x.fr"} for n in range(3)]})
    assert answer.status_code == 400 and "API_UPSERT_MAX_ROWS" in answer.json()["detail"]
    assert not Ambassador.objects.exists()


def test_opt_outs_recorded_by_email_or_crm_id_and_read_back(api_for):
    since = timezone.now() - timedelta(seconds=1)
    ambassador("a@exemple.fr")
    ambassador("b@exemple.fr", external_id="CRM-B")
    answer = (
        api_for("product")
        .post(
            "/opt-outs",
            {"ambassadors": [{"email": "A@exemple.fr"}, {"external_id": "CRM-B"}, {"email": "nobody@x.fr"}]},
        )
        .json()
    )
    assert answer == {"opted_out": 2, "unknown": [2]}
    listed = api_for("product").get("/opt-outs", since=since.isoformat()).json()
    assert [(row["email"], row["external_id"]) for row in listed] == [("a@exemple.fr", None), ("b@exemple.fr", "CRM-B")]
    assert api_for("product").get("/opt-outs", since=timezone.now().isoformat()).json() == []


def test_hostile_text_is_stored_as_text(api_for):
    script = "<script>alert(1)</script>"
    api_for("product").post("/ambassadors/upsert", {"ambassadors": [{"email": "h@exemple.fr", "first_name": script}]})
    assert Ambassador.objects.get().first_name == script


def test_values_with_separators_quotes_and_new_lines_arrive_as_sent_and_errors_keep_their_index(api_for):
    rows = [
        {"email": "a@exemple.fr", "last_name": 'Dupont; "dit" Martin,\njunior'},
        {"email": "b@exemple.fr", "region": "nowhere"},
        {"email": "c@exemple.fr", "tags": ["vip, early", "=1+1"]},
    ]
    answer = api_for("product").post("/ambassadors/upsert", {"ambassadors": rows}).json()
    assert [(error["index"], error["field"]) for error in answer["errors"]] == [(1, "region")]
    assert Ambassador.objects.get(email="a@exemple.fr").last_name == 'Dupont; "dit" Martin,\njunior'
    assert sorted(Ambassador.objects.get(email="c@exemple.fr").tags.values_list("name", flat=True)) == [
        "=1+1",
        "early",
        "vip",
    ]


@pytest.mark.parametrize("body", [[{"email": "a@exemple.fr"}], {"rows": []}, {"ambassadors": ["a@exemple.fr"]}])
def test_upsert_body_that_is_not_an_object_with_a_list_of_rows_is_refused_422(api_for, body):
    answer = api_for("product").post("/ambassadors/upsert", body)
    assert answer.status_code == 422 and "ambassadors" in answer.json()["detail"]
    assert not Ambassador.objects.exists()


def test_upsert_body_that_is_not_json_is_refused_422(api_for, client, keys):
    answer = client.post(
        "/api/v1/ambassadors/upsert",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {keys['product']}"},
    )
    assert answer.status_code == 422 and "JSON" in answer.json()["detail"]


def test_upsert_values_are_checked_as_a_files_cells_and_a_value_no_cell_holds_is_a_row_error(api_for):
    rows = [
        {"email": "a@exemple.fr", "first_name": {"nested": 1}},
        {"email": "b@exemple.fr", "first_name": 42, "consent": False, "unknown_key": "ignored"},
        {"email": 7},
        {"email": "c@exemple.fr", "external_id": ["CRM-1"]},
    ]
    answer = api_for("product").post("/ambassadors/upsert", {"ambassadors": rows}).json()
    assert [(error["index"], error["field"]) for error in answer["errors"]] == [
        (0, "first_name"),
        (2, "email"),
        (3, "external_id"),
    ]
    b = Ambassador.objects.get()
    assert (b.email, b.first_name, b.consent_at) == ("b@exemple.fr", "42", None)


def test_upsert_reads_each_column_whatever_mix_of_values_it_holds(api_for):
    """The rows are read a column at a time: a column of strings and one of mixed values give the same cells as a
    file, a row with several values no cell holds is named by its first, a row naming nobody by its email only."""
    rows = [
        {"email": "  Anne@Exemple.fr ", "first_name": " Anne ", "tags": ["vip", 3], "consent": True},
        {"email": "bruno@exemple.fr", "first_name": None, "tags": [" club "], "consent": "non"},
        {"email": "chloe@exemple.fr", "last_name": {"x": 1}, "region": ["idf"], "tags": "a|b"},
        {"first_name": ["x"], "external_id": "CRM-nobody"},
    ]
    answer = api_for("product").post("/ambassadors/upsert", {"ambassadors": rows}).json()
    assert (answer["created"], answer["rejected"]) == (2, 2)
    assert [(error["index"], error["field"]) for error in answer["errors"]] == [(2, "last_name"), (3, "email")]
    anne, bruno = Ambassador.objects.order_by("email")
    assert (anne.email, anne.first_name, sorted(anne.tags.values_list("name", flat=True))) == (
        "anne@exemple.fr",
        "Anne",
        ["3", "vip"],
    )
    assert (bruno.first_name, list(bruno.tags.values_list("name", flat=True)), bruno.consent_at) == ("", ["club"], None)


def test_upsert_pauses_the_garbage_collector_and_resumes_it_as_it_was(api_for, monkeypatch):
    import gc

    from api import upsert
    from campaigns.audience.imports import collector

    seen = []
    calls = upsert.ambassadors_upsert

    def spy(rows, **kwargs):
        seen.append(gc.isenabled())
        return calls(rows, **kwargs)

    monkeypatch.setattr("api.endpoints.ambassadors.ambassadors_upsert", spy)
    assert gc.isenabled()
    assert (
        api_for("product").post("/ambassadors/upsert", {"ambassadors": [{"email": "a@exemple.fr"}]}).json()["created"]
    )
    assert (
        api_for("product").post("/ambassadors/upsert", {"ambassadors": [{"external_id": "nobody"}]}).json()["rejected"]
    )
    assert seen == [False, False] and gc.isenabled()
    with collector.collection_paused():
        with collector.collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.collection_paused():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()
    with pytest.raises(ValueError), collector.collection_paused():
        raise ValueError
    assert gc.isenabled()
