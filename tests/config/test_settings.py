import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import email_settings, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def test_boolean_setting_accepts_the_usual_spellings(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("On", True), ("0", False), ("false", False), ("", True)]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG", True) is expected


def test_bad_values_stop_the_service_naming_the_variable(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe'"):
        env_bool("FLAG", False)
    monkeypatch.setenv("WORKERS", "two")
    with pytest.raises(ImproperlyConfigured, match="WORKERS='two'"):
        env_int("WORKERS", 2)


def test_list_setting_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.delenv("HOSTS")
    assert env_list("HOSTS", ["x"]) == ["x"]


def test_email_url_schemes():
    assert email_settings("outbox:")["EMAIL_BACKEND"] == "campaigns.sending.outbox.OutboxEmailBackend"
    smtp = email_settings("smtp://user%40bank:s%3Acret@mail.example:2525?tls=1")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_HOST_USER"], smtp["EMAIL_HOST_PASSWORD"]) == (
        "mail.example",
        2525,
        "user@bank",
        "s:cret",
    )
    assert smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"]
    assert email_settings("smtps://mail.example")["EMAIL_PORT"] == 465
    assert email_settings("anymail+mailjet://")["EMAIL_BACKEND"] == "anymail.backends.mailjet.EmailBackend"
    with pytest.raises(ImproperlyConfigured, match="unknown scheme"):
        email_settings("pigeon://loft")
    with pytest.raises(ImproperlyConfigured, match="no host"):
        email_settings("smtp://")


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env},
    )


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SITE_URL="https://ambassadeurs.banque.example",
        VAR_DIR=str(tmp_path),
        SECRET_KEY="k7#Qz!p2@Lw9$Xr4%Tn8^Vb1&Mc6*Hd3(Jf5)Gs0-Ye7+Ua2=Oi9",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_typo_in_the_environment_stops_the_service(tmp_path):
    result = manage("check", DEBUG="peut-être", VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DEBUG='peut-être'" in result.stderr


def test_a_secret_key_is_made_once_per_installation(tmp_path):
    env = {"VAR_DIR": str(tmp_path), "SECRET_KEY": ""}
    first = manage("shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", **env)
    second = manage("shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", **env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.split()[-1] == second.stdout.split()[-1] == (tmp_path / "secret_key").read_text()
    assert len(first.stdout.split()[-1]) >= 50


@pytest.mark.django_db
def test_the_admin_shows_no_third_party_avatar(client, product_user):
    """Gravatar would receive a hash of each staff address from every admin page view."""
    client.force_login(product_user)
    page = client.get("/admin/").content.decode()
    assert "gravatar" not in page and "default-user-avatar" in page


def test_login_throttling_comes_from_the_environment(tmp_path):
    shown = "from django.conf import settings; print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)"
    result = manage("shell", "-c", shown, LOGIN_FAILURES="8", LOGIN_LOCK_MINUTES="30", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["8", "0:30:00"]
    refused = manage("check", LOGIN_LOCK_MINUTES="0", VAR_DIR=str(tmp_path))
    assert refused.returncode != 0 and "LOGIN_LOCK_MINUTES=0" in refused.stderr


def test_production_keeps_compiled_templates_and_database_connections(tmp_path):
    shown = (
        "from django.conf import settings; db = settings.DATABASES['default']; "
        "print(settings.TEMPLATES[0]['OPTIONS']['loaders'][0][0], db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'])"
    )
    env = {"DEBUG": "0", "VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ailleurs"}
    result = manage("shell", "-c", shown, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["django.template.loaders.cached.Loader", "60", "True"]


def test_gunicorn_settings_come_from_the_environment_with_defaults_for_the_machine(monkeypatch):
    import runpy

    monkeypatch.setenv("WEB_THREADS", "6")
    monkeypatch.delenv("WEB_WORKERS", raising=False)
    found = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert found["threads"] == 6 and found["workers"] == os.cpu_count() + 1
    assert found["worker_class"] == "config.gunicorn_worker.QueueTimedWorker" and found["timeout"] == 30
    monkeypatch.setenv("WEB_WORKERS", "deux")
    with pytest.raises(SystemExit, match="WEB_WORKERS='deux'"):
        runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_single_sign_on_comes_from_the_environment_and_a_half_set_up_stops_the_service(tmp_path):
    shown = (
        "from django.conf import settings; print(settings.AUTHENTICATION_BACKENDS[0], "
        "settings.OIDC_ROLE_GROUPS['Analyst'], settings.OIDC_ROLE_GROUPS['Editor'], settings.PASSWORD_LOGIN)"
    )
    env = {"VAR_DIR": str(tmp_path), "OIDC_RP_CLIENT_ID": "ambassadeurs", "PASSWORD_LOGIN": "superusers"}
    env.update(OIDC_OP_DISCOVERY_URL="https://idp.banque.example", OIDC_ROLE_ANALYST="bi,data-office")
    result = manage("shell", "-c", shown, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2].split(" ", 1) == [
        "campaigns.accounts.single_sign_on.SingleSignOn",
        "['bi', 'data-office'] ['Editor'] superusers",
    ]
    half = manage("check", VAR_DIR=str(tmp_path), OIDC_RP_CLIENT_ID="ambassadeurs")
    assert half.returncode != 0 and "OIDC_OP_DISCOVERY_URL" in half.stderr
    typo = manage("check", VAR_DIR=str(tmp_path), PASSWORD_LOGIN="jamais")
    assert typo.returncode != 0 and "PASSWORD_LOGIN='jamais'" in typo.stderr
    off = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.AUTHENTICATION_BACKENDS)",
        VAR_DIR=str(tmp_path),
    )
    assert "SingleSignOn" not in off.stdout
