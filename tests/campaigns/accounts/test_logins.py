"""Staff sign-in (``campaigns.accounts.logins``): Wagtail's admin login throttled per account and per address
(django-axes), with a clear message in French and English, a lock that lifts after ``LOGIN_LOCK_MINUTES``, and
the client's real address behind ``TRUSTED_PROXIES``."""

import re
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.audit import trail
from campaigns.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("wagtailadmin_login")


def attempt(client, username, password, **headers):
    """One sign-in through Wagtail's login form, as a browser sends it (the page, then the form and its token)."""
    page = client.get(LOGIN, **headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(LOGIN, {"username": username, "password": password, "csrfmiddlewaretoken": token}, **headers)


def signed_in(client):
    return client.get(reverse("wagtailadmin_home")).status_code == 200


def test_after_25_wrong_passwords_in_20_seconds_the_right_one_is_refused(admin_user):
    client = Client(enforce_csrf_checks=True)
    started = time.monotonic()
    for number in range(25):
        attempt(client, "admin", f"mauvais mot de passe {number}")
    assert time.monotonic() - started < 20
    response = attempt(client, "admin", PASSWORD)
    assert not signed_in(client), "the right password worked at once after 25 wrong ones"
    assert response.status_code == 429
    assert "la connexion est bloquée pendant 15 minutes" in response.content.decode()


def fail(times, username, **headers):
    client = Client(enforce_csrf_checks=True)
    for number in range(times):
        attempt(client, username, f"mauvais {number}", **headers)


def test_the_lock_says_so_in_english_too(admin_user):
    fail(5, "admin")
    response = attempt(Client(enforce_csrf_checks=True), "admin", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "signing in is blocked for 15 minutes" in response.content.decode()


def test_four_failures_leave_the_account_open(admin_user):
    fail(4, "admin")
    client = Client(enforce_csrf_checks=True)
    assert attempt(client, "admin", PASSWORD).status_code == 302 and signed_in(client)


def test_an_account_is_locked_from_every_address(admin_user):
    fail(5, "admin", REMOTE_ADDR="203.0.113.5")
    elsewhere = Client(enforce_csrf_checks=True)
    assert attempt(elsewhere, "admin", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert not signed_in(elsewhere)


def test_an_address_is_locked_for_every_account(admin_user, product_user, editor_user):
    for username in ("admin", "editeur", "inconnu", "personne", "produit"):  # one failure each: no account is locked
        fail(1, username, REMOTE_ADDR="203.0.113.5")
    client = Client(enforce_csrf_checks=True)
    assert attempt(client, "produit", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 429
    elsewhere = Client(enforce_csrf_checks=True)
    assert attempt(elsewhere, "produit", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302  # not the account


def test_the_lock_lifts_after_its_minutes_whatever_is_tried_meanwhile(admin_user, settings):
    fail(5, "admin")
    fail(10, "admin")  # while locked: refused before any password is checked, and not counted
    assert attempt(Client(enforce_csrf_checks=True), "admin", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timedelta(minutes=settings.LOGIN_LOCK_MINUTES, seconds=1)
    )
    client = Client(enforce_csrf_checks=True)
    assert attempt(client, "admin", PASSWORD).status_code == 302 and signed_in(client)


def test_a_colleagues_good_password_does_not_wipe_the_count(admin_user, product_user):
    fail(4, "admin")
    assert attempt(Client(enforce_csrf_checks=True), "produit", PASSWORD).status_code == 302  # same address
    fail(1, "admin")
    assert attempt(Client(enforce_csrf_checks=True), "admin", PASSWORD).status_code == 429


def test_behind_a_proxy_the_real_address_is_counted(admin_user, product_user, settings):
    settings.TRUSTED_PROXIES = 1
    for number, username in enumerate(["a", "b", "c", "d", "e"]):  # a forged address each time, the same real one
        fail(1, username, HTTP_X_FORWARDED_FOR=f"10.0.0.{number}, 203.0.113.5", REMOTE_ADDR="192.0.2.1")
    locked = attempt(
        Client(enforce_csrf_checks=True),
        "produit",
        PASSWORD,
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5",
        REMOTE_ADDR="192.0.2.1",
    )
    assert locked.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    another = Client(enforce_csrf_checks=True)  # another client behind the same proxy
    response = attempt(another, "produit", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 302 and signed_in(another)


def test_a_proxy_sending_no_address_breaks_nothing(admin_user, settings):
    settings.TRUSTED_PROXIES = 1
    response = attempt(Client(enforce_csrf_checks=True), "admin", "mauvais", HTTP_X_FORWARDED_FOR="pas-une-adresse")
    assert response.status_code == 200 and AccessAttempt.objects.get().ip_address is None


def test_the_shell_and_the_tests_sign_in_without_a_request(admin_user):
    assert authenticate(username="admin", password=PASSWORD) == admin_user


# --- what the audit trail keeps of sign-ins ----------------------------------------------------------------


def recorded(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_a_sign_in_is_recorded_with_the_account_and_its_address(admin_user):
    attempt(Client(enforce_csrf_checks=True), "admin", PASSWORD, REMOTE_ADDR="203.0.113.5")
    [entry] = recorded(trail.LOGIN)
    assert (entry.user, entry.object_id, entry.label, entry.address) == (
        admin_user,
        str(admin_user.pk),
        "admin",
        "203.0.113.5",
    )


def test_failures_are_recorded_with_the_name_tried_and_the_real_address(admin_user, settings):
    settings.TRUSTED_PROXIES = 1
    client = Client(enforce_csrf_checks=True)
    headers = {"HTTP_X_FORWARDED_FOR": "10.0.0.1, 203.0.113.5", "REMOTE_ADDR": "192.0.2.1"}
    attempt(client, "admin", "mauvais", **headers)
    attempt(client, "personne", "mauvais", **headers)
    known, unknown = recorded(trail.LOGIN_FAILED)
    assert (known.user, known.object_id, known.label, known.address) == (
        None,
        str(admin_user.pk),
        "admin",
        "203.0.113.5",
    )
    assert (unknown.object_id, unknown.label, unknown.address) == ("", "personne", "203.0.113.5")
    assert "mauvais" not in str(list(AuditEntry.objects.values()))  # no password tried is kept


def test_a_guesser_hammering_a_locked_account_leaves_one_lock_and_its_failures(admin_user):
    fail(30, "admin")
    assert len(recorded(trail.LOGIN_FAILED)) == 5
    [lock] = recorded(trail.LOGIN_LOCKED)
    assert (lock.label, lock.object_id, lock.data) == ("admin", str(admin_user.pk), {"minutes": 15})
