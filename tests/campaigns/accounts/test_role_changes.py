"""The audit trail's role changes (``campaigns.accounts.role_changes``): an account's groups and superuser flag,
changed from Wagtail's user pages or from the shell, each recorded with who changed them."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from campaigns.audit import trail
from campaigns.models import AuditEntry
from campaigns.roles import ANALYST, EDITOR, PRODUCT_TEAM

pytestmark = pytest.mark.django_db


def changes(user):
    return list(AuditEntry.objects.filter(action=trail.ROLE_CHANGE, object_id=str(user.pk)).order_by("id"))


def edited(client, user, groups, is_superuser=False):
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": "Martin",
        "password1": "",
        "password2": "",
        "is_active": "on",
        "groups": [Group.objects.get(name=name).pk for name in groups],
    }
    if is_superuser:
        data["is_superuser"] = "on"
    return client.post(reverse("wagtailusers_users:edit", args=[user.pk]), data)


def test_groups_changed_on_wagtails_user_page_are_recorded_with_who_changed_them(client_for, admin_user, analyst_user):
    before = len(changes(analyst_user))
    response = edited(client_for(admin_user), analyst_user, [PRODUCT_TEAM])
    assert response.status_code == 302, response.content.decode()[:2000]
    recorded = changes(analyst_user)[before:]
    assert {(entry.user, str(sorted(entry.data.items()))) for entry in recorded} == {
        (admin_user, str([("ajoutés", [PRODUCT_TEAM])])),
        (admin_user, str([("retirés", [ANALYST])])),
    }
    assert {entry.label for entry in recorded} == {"analyste"}


def test_the_superuser_flag_given_and_taken_is_recorded(client_for, admin_user, editor_user):
    client = client_for(admin_user)
    edited(client, editor_user, [EDITOR], is_superuser=True)
    edited(client, editor_user, [EDITOR], is_superuser=False)
    flags = [entry.data for entry in changes(editor_user) if "superutilisateur" in entry.data]
    assert flags == [{"superutilisateur": True}, {"superutilisateur": False}]
    assert {entry.user for entry in changes(editor_user)[-2:]} == {admin_user}


def test_changes_from_the_shell_and_from_the_group_side_are_recorded_as_the_services(django_user_model, editor_user):
    call_command("createsuperuser", "--noinput", "--username", "racine", "--email", "racine@banque.example")
    root = django_user_model.objects.get(username="racine")
    assert [(entry.user, entry.data) for entry in changes(root)] == [(None, {"superutilisateur": True})]
    Group.objects.get(name=ANALYST).user_set.add(editor_user)
    editor_user.groups.clear()
    recorded = [entry.data for entry in changes(editor_user)][-2:]
    assert recorded == [{"ajoutés": [ANALYST]}, {"retirés": sorted([ANALYST, EDITOR])}]


def test_a_sign_in_records_no_role_change(client, product_user):
    before = AuditEntry.objects.filter(action=trail.ROLE_CHANGE).count()
    client.force_login(product_user)  # saves last_login only
    product_user.first_name = "Produit"
    product_user.save()
    assert AuditEntry.objects.filter(action=trail.ROLE_CHANGE).count() == before
