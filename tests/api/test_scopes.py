"""Every endpoint driven with a key of each role: allowed exactly when the role holds the endpoint's permissions,
refused with 403 otherwise (and nothing changed), 401 without a key."""

import pytest
from django.contrib.auth.models import Group

from api.models import Role
from campaigns.models import Ambassador, Campaign
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    (
        "post",
        "/ambassadors/upsert",
        {"ambassadors": [{"email": "new@exemple.fr"}]},
        ["add_ambassador", "change_ambassador"],
    ),
    ("post", "/opt-outs", {"ambassadors": [{"email": "a@exemple.fr"}]}, ["change_ambassador"]),
    ("get", "/opt-outs", {"since": "2000-01-01T00:00:00Z"}, ["view_ambassador"]),
    ("get", "/segments", {}, ["view_segment"]),
    ("get", "/campaigns", {}, ["view_campaign"]),
    ("post", "/campaigns/{id}/copy", {"title": "Copie", "slug": "copie"}, ["view_campaign", "add_campaign"]),
    ("post", "/campaigns/{id}/launch", {}, ["change_campaign"]),
    ("post", "/campaigns/{id}/close", {}, ["change_campaign"]),
    ("get", "/campaigns/{id}/figures", {}, ["reports.view_report"]),
    ("get", "/campaigns/{id}/survey-results", {}, ["reports.view_report"]),
    ("get", "/campaigns/{id}/themes", {}, ["reports.view_report"]),
    ("post", "/campaigns/{id}/exports", {"format": "xlsx"}, ["reports.view_report", "reports.add_exportjob"]),
    ("get", "/exports/0", {}, ["reports.view_report", "reports.add_exportjob"]),
    ("get", "/exports/0/file", {}, ["reports.view_report", "reports.add_exportjob"]),
]


def holds(role, permissions):
    held = {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
    }
    return all((permission if "." in permission else f"campaigns.{permission}") in held for permission in permissions)


def call(api, method, path, body):
    return api.get(path, **body) if method == "get" else api.post(path, body)


@pytest.mark.parametrize("nick", ["product", "editor", "moderator", "analyst"])
def test_each_endpoint_answers_a_key_of_each_role_as_its_permissions_say(api_for, nick):
    from tests.api.conftest import ROLE_KEYS

    ambassador("a@exemple.fr", region="bre")
    target = campaign(segments=[region_segment()])
    role = ROLE_KEYS[nick]
    for method, path, body, permissions in ENDPOINTS:
        answer = call(api_for(nick), method, path.replace("{id}", str(target.pk)), body)
        if holds(role, permissions):
            assert answer.status_code != 403, (nick, path, answer.content[:200])
        else:
            assert answer.status_code == 403, (nick, path, answer.status_code)
            assert "lacks" in answer.json()["detail"]


def test_refused_calls_change_nothing(api_for):
    ambassador("a@exemple.fr")
    target = campaign()
    for method, path, body, _permissions in ENDPOINTS:
        call(api_for("editor"), method, path.replace("{id}", str(target.pk)), body)
        assert call(api_for(None), method, path.replace("{id}", str(target.pk)), body).status_code == 401
    assert list(Ambassador.objects.values_list("email", "opted_out_at")) == [("a@exemple.fr", None)]
    assert list(Campaign.objects.values_list("slug", "status")) == [("banque-mobile", "draft")]


def test_the_roles_keep_their_expected_reach():
    """The matrix's anchors: only the product team writes ambassadors and campaigns; analysts read reports."""
    assert holds(Role.PRODUCT_TEAM, ENDPOINTS[0][3]) and not holds(Role.ANALYST, ENDPOINTS[0][3])
    assert holds(Role.ANALYST, ["reports.view_report"]) and not holds(Role.EDITOR, ["reports.view_report"])
    assert not holds(Role.ANALYST, ["view_ambassador"])
