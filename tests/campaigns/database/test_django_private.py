"""Pins each use of Django's private or undocumented API (``campaigns.database.django_private``): when a Django
upgrade changes one, a test here fails and names it."""

import contextlib

import psycopg
import pytest
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Permission
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from campaigns.database.django_private import (
    health_check_pending,
    health_check_skip,
    permissions_create,
    server_binding_cursor,
)

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side binding is PostgreSQL's")
def test_server_binding_cursor_binds_on_the_server_prepares_and_is_logged_like_djangos_cursors(settings):
    prepared = connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") == 0
    with CaptureQueriesContext(connection) as queries:
        cursor = server_binding_cursor(connection)
        with cursor:
            cursor.execute("SELECT %s::int + 1 AS pinned_by_test", [41])
            assert cursor.fetchone() == (42,)
    assert not isinstance(cursor.cursor, psycopg.ClientCursor)
    assert len(queries.captured_queries) == 1  # Django's cursor wrapper timed and logged it
    if prepared:
        with connection.cursor() as check:
            check.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%pinned_by_test%%'")
            assert check.fetchone()[0] == 1


def test_the_health_check_flag_is_the_one_django_consults_before_a_query():
    real = connections["default"]
    real.ensure_connection()
    checks = []
    saved = real.health_check_enabled, real.is_usable
    real.health_check_enabled, real.is_usable = True, lambda: checks.append(1) or True
    try:
        real.health_check_done = False  # as Django does at the start of each request
        assert health_check_pending(real)
        health_check_skip(real)
        assert not health_check_pending(real)
        real.close_if_health_check_failed()
        assert checks == []
        real.health_check_done = False
        real.close_if_health_check_failed()
        assert checks == [1]
    finally:
        real.health_check_enabled, real.is_usable = saved


def test_permissions_are_created_from_a_migrations_app_registry_only_with_the_stub_filled_in():
    state_apps = MigrationExecutor(connection).loader.project_state().apps
    app_config = state_apps.get_app_config("campaigns")
    Permission.objects.filter(content_type__app_label="campaigns", codename="view_tag").delete()
    with contextlib.suppress(AttributeError):  # a migration's stub has no models_module: Django skips it
        create_permissions(app_config, apps=state_apps, verbosity=0)
    assert not Permission.objects.filter(content_type__app_label="campaigns", codename="view_tag").exists()
    permissions_create(state_apps, "campaigns")
    assert Permission.objects.filter(content_type__app_label="campaigns", codename="view_tag").exists()
    assert app_config.models_module is None


def test_a_body_read_beforehand_is_the_one_request_body_returns_past_djangos_limit(settings):
    from django.core.exceptions import RequestDataTooBig
    from django.test import RequestFactory

    from campaigns.database.django_private import request_body_read

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    request = RequestFactory().post("/", data=b"x" * 100, content_type="application/json")
    assert request_body_read(request, 100) == b"x" * 100
    assert request.body == b"x" * 100
    with pytest.raises(RequestDataTooBig):
        request_body_read(RequestFactory().post("/", data=b"x" * 101, content_type="application/json"), 100)
