"""Single-statement writes that need not wait for the disk: no health-check round trip before them, and a
connection the server dropped is reopened once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from campaigns.models import Invitation
from campaigns.sending.launch import campaign_launch
from campaigns.tracking.events import record_open
from tests.campaigns.factories import ambassador, campaign, region_segment


@pytest.fixture
def invitation():
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    target = campaign(segments=[region_segment()], description="Imaginons ensemble l'appli de demain.")
    campaign_launch(target)
    Invitation.objects.update(status=Invitation.Status.SENT, sent_at=timezone.now() - timedelta(hours=1))
    return Invitation.objects.select_related("campaign", "ambassador").get()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_tracking_writes_check_the_connection_only_when_it_fails(invitation, monkeypatch):
    """No health-check round trip before the pixel's UPDATE; a connection the server dropped is reopened once."""
    checks = []
    is_usable = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or is_usable())
    connection.ensure_connection()
    connection.health_check_done = False  # as at the start of each request
    assert record_open(invitation.token) and checks == []
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        with psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            dbname=settings["NAME"],
            autocommit=True,
        ) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
        connection.health_check_done = False
        assert record_open(invitation.token) and checks == [1]
        invitation.refresh_from_db()
        assert invitation.open_count == 2
