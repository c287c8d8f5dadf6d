"""Opens and clicks written in batches off the request path (PostgreSQL): the same figures and verdicts as
written at once, nothing lost when the buffer fills or the worker stops, the redirect of a click given at once."""

import http.client
import signal
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from campaigns.models import Invitation, TrackingEvent
from campaigns.sending.launch import campaign_launch
from campaigns.tracking import buffer
from campaigns.tracking.events import record_click, record_open
from tests import cluster
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.campaigns.tracking.test_classify import EDGE, IPHONE_SAFARI, ORANGE_MOBILE
from tests.campaigns.tracking.test_events import click, pixel, verdicts
from tests.cluster import WebServer, wait_for

# The process's flush thread reads from its own connection: the rows it writes to must be committed.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("os.environ.get('DATABASE_URL', '').startswith('sqlite') or not os.environ.get('DATABASE_URL')"),
]
HOUR = 3_600_000


@pytest.fixture
def invitation():
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    campaign_launch(campaign(segments=[region_segment()]))
    Invitation.objects.update(status=Invitation.Status.SENT, sent_at=timezone.now() - timedelta(hours=1))
    return Invitation.objects.get()


@pytest.fixture
def deferred(settings):
    """Opens and clicks deferred, the process's thread asleep for an hour: the test flushes."""
    settings.TRACKING_FLUSH_MS = HOUR
    buffer.buffer.flush()
    yield buffer.buffer
    buffer.buffer.flush()


def counters(invitation):
    invitation.refresh_from_db()
    return invitation.open_count, invitation.click_count, bool(invitation.first_human_click_at)


def test_deferred_opens_and_clicks_are_written_at_the_flush_with_the_same_figures(client, invitation, deferred):
    assert pixel(client, invitation).status_code == 200
    response = click(client, invitation)
    assert response.status_code == 302 and response["Location"].endswith(f"/{invitation.campaign.slug}/")
    assert counters(invitation) == (0, 0, False) and not TrackingEvent.objects.exists()
    assert deferred.flush() == 2
    assert counters(invitation) == (1, 1, True)
    assert verdicts(invitation) == [("open", "person", "person"), ("click", "person", "person")]


def test_a_burst_in_one_batch_is_judged_as_if_each_click_were_written_at_once(client, invitation, deferred):
    click(client, invitation)
    click(client, invitation, to="survey")
    deferred.flush()
    invitation.refresh_from_db()
    assert invitation.click_count == 2 and invitation.first_human_click_at is None
    assert verdicts(invitation) == [("click", "scanner", "burst"), ("click", "scanner", "burst")]


def test_a_click_on_a_link_that_does_not_work_is_answered_at_once_and_never_buffered(client, invitation, deferred):
    invitation.campaign.__class__.objects.update(status="closed")
    assert record_click(invitation.token, user_agent=EDGE, address=ORANGE_MOBILE) is None
    assert deferred.flush() == 0


def test_an_unknown_token_is_buffered_like_any_and_written_as_nothing(invitation, deferred):
    assert record_open("ab" * 32, user_agent=IPHONE_SAFARI) is True
    assert deferred.flush() == 1
    assert not TrackingEvent.objects.exists()


def test_the_request_that_fills_the_buffer_writes_it(invitation, deferred, settings):
    settings.TRACKING_BUFFER_MAX = 3
    for _ in range(3):
        record_open(invitation.token, user_agent=IPHONE_SAFARI, address=ORANGE_MOBILE)
    assert counters(invitation)[0] == 3 and deferred.flush() == 0


def test_the_process_thread_writes_within_the_flush_interval(invitation, settings):
    settings.TRACKING_FLUSH_MS = 50
    for _ in range(5):
        record_open(invitation.token, user_agent=IPHONE_SAFARI, address=ORANGE_MOBILE)
    wait_for(lambda: counters(invitation)[0] == 5, timeout=10, what="the flush thread to write five opens")


def test_a_batch_the_database_refuses_is_written_one_by_one_so_one_bad_event_costs_only_itself(invitation, deferred):
    record_open(invitation.token, user_agent=IPHONE_SAFARI, address=ORANGE_MOBILE)
    deferred.add("SELECT 1 / 0 WHERE {async_commit}", {})  # a statement the database refuses
    record_open(invitation.token, user_agent=IPHONE_SAFARI, address=ORANGE_MOBILE)
    assert deferred.flush() == 3
    assert counters(invitation)[0] == 2


def test_a_worker_stopping_gracefully_writes_what_it_holds(settings, tmp_path, invitation):
    env = cluster.web_env(settings.SECRET_KEY, tmp_path / "web", TRACKING_FLUSH_MS=str(HOUR))  # only the way out
    web = WebServer(env, tmp_path, workers=2, threads=2)
    web.start()
    try:
        for _ in range(20):
            server = http.client.HTTPConnection("127.0.0.1", web.port, timeout=10)
            server.request("GET", f"/t/o/{invitation.token}.gif", headers={"User-Agent": IPHONE_SAFARI})
            assert server.getresponse().status == 200
            server.close()
        assert counters(invitation)[0] == 0  # still in the workers' buffers
        web.process.send_signal(signal.SIGTERM)
        web.process.wait(30)
    finally:
        web.kill()
    assert counters(invitation)[0] == 20
    assert connection.vendor == "postgresql"
