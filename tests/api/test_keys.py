import pytest
from django.core.management import call_command

from api.keys import key_create, key_found, key_revoke
from api.models import ApiKey, Role
from campaigns.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_key_is_stored_only_as_its_prefix_and_hash():
    key, text = key_create(name="crm", role=Role.ANALYST)
    secret = text.split("_", 2)[2]
    row = ApiKey.objects.values().get(pk=key.pk)
    assert secret not in str(row) and len(row["secret_hash"]) == 64
    assert key_found(text) == key and key.user.groups.get().name == Role.ANALYST
    assert not key.user.has_usable_password()


def test_a_wrong_secret_or_malformed_key_is_not_found():
    _key, text = key_create(name="crm", role=Role.ANALYST)
    assert key_found(text[:-1] + ("A" if text[-1] != "A" else "B")) is None
    assert key_found("amb_nothing") is None and key_found("") is None and key_found("Bearer x") is None


def test_a_revoked_key_stops_working_at_once(api_for, keys):
    assert api_for("product").get("/campaigns").status_code == 200
    key_revoke(ApiKey.objects.get(name="crm-product"))
    assert api_for("product").get("/campaigns").status_code == 401


def test_calls_without_a_key_or_with_a_bad_one_are_refused_and_the_bad_one_audited(api_for):
    assert api_for(None).get("/campaigns").status_code == 401
    assert api_for(None, "amb_0000_forged").get("/campaigns").status_code == 401
    entry = AuditEntry.objects.get(action="audit.api_refused")
    assert entry.data == {"méthode": "GET", "chemin": "/api/v1/campaigns"} and entry.user_id is None


def test_every_call_is_in_the_audit_trail_with_its_key(api_for):
    api_for("analyst").get("/campaigns")
    api_for("analyst").post("/ambassadors/upsert", {"ambassadors": []})  # refused by the role, still recorded
    entries = AuditEntry.objects.filter(action="audit.api_call").order_by("pk")
    assert [entry.data["chemin"] for entry in entries] == ["/api/v1/campaigns", "/api/v1/ambassadors/upsert"]
    assert {entry.user_id for entry in entries} == {ApiKey.objects.get(name="crm-analyst").user_id}


def test_calls_past_the_rate_limit_are_answered_429(api_for, settings):
    settings.API_RATE_LIMIT = "3/m"
    answers = [api_for("analyst").get("/campaigns").status_code for _ in range(4)]
    other = api_for("product").get("/campaigns").status_code
    assert answers == [200, 200, 200, 429] and other == 200  # counted per key


def test_command_prints_the_key_once_and_revokes_it(capsys):
    call_command("api_key", "create", "crm", "--role", Role.PRODUCT_TEAM)
    text = capsys.readouterr().out.split(": ", 1)[1].split()[0]
    assert key_found(text).name == "crm"
    call_command("api_key", "list")
    assert "crm" in capsys.readouterr().out and text not in capsys.readouterr().out
    call_command("api_key", "revoke", "crm")
    assert key_found(text) is None


def test_a_staff_session_cookie_is_no_credential_for_the_api(client_for, product_user):
    """Only the key in the header authenticates: a cross-site request riding a staff session gets nothing."""
    staff = client_for(product_user)
    assert staff.get("/api/v1/campaigns").status_code == 401
    assert staff.post("/api/v1/opt-outs", "{}", content_type="application/json").status_code == 401
