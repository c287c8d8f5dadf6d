"""The sending pace's buckets, in Redis and in the database: evenly spaced tokens, never more than the rate in a
second even with several threads at once, a domain without a token deferring its email without taking the site's."""

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from campaigns.models import Invitation, RateBucket
from campaigns.sending import pace
from campaigns.sending.launch import campaign_launch
from campaigns.sending.pace import Pacer, buckets_take, interval_of
from tests.campaigns.factories import campaign, region_segment
from tests.campaigns.sending.test_pace_cluster import busiest_second
from tests.cluster import free_port

RATE = 10


@pytest.fixture(params=["redis", "database"])
def store(request, settings):
    if request.param == "database":
        settings.REDIS_URL = ""
    elif not settings.REDIS_URL:
        pytest.skip("needs Redis: set REDIS_URL")
    settings.SEND_RATE_PER_SECOND, settings.SEND_RATE_MARGIN_MS = RATE, 100
    settings.SEND_DOMAIN_RATES = {"orange.fr": 2}
    pace.pace_reset()
    yield request.param
    pace.pace_reset()


def test_the_interval_keeps_the_margin():
    assert interval_of(0) == 0
    assert interval_of(10) == 110_000  # (1 s + 100 ms) / 10, in microseconds


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_senders_in_threads_share_one_site_rate(store):
    """Four threads take tokens for 1.5 s, as four senders would: at most RATE in any second, evenly spaced."""
    taken, stop = [], time.monotonic() + 1.5

    def sender():
        pacer = Pacer()
        try:
            while time.monotonic() < stop:
                assert pacer.take("someone@exemple.fr") == 0
                taken.append(time.monotonic())
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert busiest_second(taken) <= RATE
    assert len(taken) >= RATE  # it sends, at the pace
    gaps = [later - earlier for earlier, later in zip(sorted(taken), sorted(taken)[1:], strict=False)]
    # no burst: 110 ms apart (the median: a thread descheduled between its token and its clock reading, on a busy
    # machine, brings two readings closer than the tokens were; the busiest second above is the hard limit)
    assert sorted(gaps)[len(gaps) // 2] >= 0.09


@pytest.mark.django_db
def test_a_domain_without_a_token_defers_its_email_and_leaves_the_site_token(store):
    pacer = Pacer()
    assert pacer.take("a@orange.fr") == 0
    site_after_first = _site_tat(store)
    wait = pacer.take("b@orange.fr")
    assert 0.3 < wait <= 0.55  # (1 s + 100 ms) / 2, less the time since the first
    assert _site_tat(store) == site_after_first  # the deferred email took no site token
    assert pacer.take("c@exemple.fr") == 0
    assert _site_tat(store) >= site_after_first + interval_of(RATE)  # the next email took the next one


def _site_tat(store):
    """The site bucket's next arrival time, in microseconds, where ``store`` keeps it."""
    if store == "redis":
        return int(pace._redis().get(pace.KEY_PREFIX + pace.SITE))
    return RateBucket.objects.get(name=pace.SITE).tat


@pytest.mark.django_db
def test_no_cap_means_no_round_trip(settings, django_assert_num_queries):
    settings.SEND_RATE_PER_SECOND, settings.SEND_DOMAIN_RATES, settings.REDIS_URL = 0, {"orange.fr": 5}, ""
    pacer = Pacer()
    with django_assert_num_queries(0):
        assert [pacer.take("someone@exemple.fr") for _number in range(100)] == [0] * 100


@pytest.mark.django_db
def test_the_database_buckets_take_all_or_nothing(settings):
    assert buckets_take({"site": 1_000_000, "domain:orange.fr": 2_000_000}) == [0, 0]
    site_wait, domain_wait = buckets_take({"site": 1_000_000, "domain:orange.fr": 2_000_000})
    assert 0 < site_wait <= 1_000_000 and 1_000_000 < domain_wait <= 2_000_000
    assert buckets_take({"site": 0, "domain:free.fr": 2_000_000}) == [0, 0]  # another domain has its own


@pytest.mark.django_db
def test_without_redis_nothing_goes_out_and_no_attempt_is_spent(
    audience, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.SEND_RATE_PER_SECOND, settings.REDIS_URL = RATE, f"redis://127.0.0.1:{free_port()}/0"  # nobody there
    target = campaign(segments=[region_segment()])
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(target)
    invitations = Invitation.objects.filter(campaign=target)
    assert set(invitations.values_list("status", "attempts")) == {(Invitation.Status.QUEUED, 0)}
    assert all(invitation.next_attempt_at > timezone.now() for invitation in invitations)
    assert smtp_server.messages == []
