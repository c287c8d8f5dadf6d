"""Sending survives the loss of its database connections: while a real django-q2 cluster sends a campaign, the
test makes PostgreSQL end every connection of the cluster's processes, twice, in the middle of the batches.

A sender at work dies on its next write and leaves its claim behind. The first time, the sender tasks still
queued take over at once on fresh connections; the second time none is left, and sending stops until the
``campaigns: tick`` schedule takes the dead claims over once their lease is out and queues senders again. Every invitation ends up sent, everyone receives it, and a message goes
out twice only where ``Invitation.possible_duplicates`` says it may have."""

import time
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from django_q.models import Schedule

from campaigns.delivery import campaign_launch
from campaigns.models import Ambassador, Invitation
from tests.campaigns.factories import campaign, region_segment
from tests.cluster import CLUSTER_WORKERS, wait_for

AUDIENCE = 300
MID_BATCH = 50  # messages since the senders (re)started: two senders are then halfway through their batches of 50
Status = Invitation.Status


def terminate_backends(application_name):
    """Make PostgreSQL end every connection of the cluster's processes (as a failover or a restarted pooler
    would); returns how many it ended. The test's own connection carries no such name and is spared."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND application_name = %s", [application_name])
        return sum(1 for (ended,) in cursor.fetchall() if ended)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_send_batch_whose_database_connections_drop_resumes_and_invites_everyone_once(cluster, smtp_server, settings):
    if connection.vendor != "postgresql":
        pytest.skip("terminating the cluster's connections needs PostgreSQL's pg_terminate_backend")
    now = timezone.now()
    Ambassador.objects.bulk_create(
        Ambassador(email=f"ambassadeur{number:03}@exemple.fr", first_name=f"Amb{number}", region="bre", consent_at=now)
        for number in range(AUDIENCE))
    target = campaign(segments=[region_segment()])
    invitations = Invitation.objects.filter(campaign=target)
    tick = Schedule.objects.filter(name="campaigns: tick")
    smtp_server.delay = 0.02  # each message takes a while: the drops land in the middle of the batches
    # two sender tasks per worker: two run, two wait in the queue to take over after the first drop
    settings.SEND_PARALLEL = 2 * CLUSTER_WORKERS
    application_name = f"{cluster.env['Q_CLUSTER_NAME']}-qcluster"
    cluster.env["PGAPPNAME"] = application_name  # libpq names every connection of the cluster's processes

    def claims_at_work():
        return set(invitations.filter(status=Status.SENDING).values_list("claim", flat=True))

    started = time.monotonic()
    cluster.start()
    assert campaign_launch(target) == AUDIENCE
    drops, goal, dead = [], MID_BATCH, set()
    for _drop in range(2):
        wait_for(lambda goal=goal: len(smtp_server.messages) >= goal and claims_at_work(), timeout=60, interval=0.02,
                 what=f"{goal} messages sent and batches under way", explain=cluster.log_tail)
        claims, received = claims_at_work() - dead, len(smtp_server.messages)
        ended = terminate_backends(application_name)
        time.sleep(0.5)  # the senders' next write fails; a lease (SEND_LEASE_SECONDS) is 4 s: nothing is taken over yet
        cut_off = claims & claims_at_work()
        dead |= cut_off
        drops.append({"at": round(time.monotonic() - started, 1), "received": received, "ended": ended,
                      "claims cut off": len(cut_off)})
        assert ended >= CLUSTER_WORKERS and 1 <= len(cut_off) <= CLUSTER_WORKERS, drops  # the senders' at least
        goal = received + CLUSTER_WORKERS + MID_BATCH

    # No sender is left, queued or at work: once the messages in flight are answered (one per sender), nothing goes
    # out until the dead claims' lease is out and the tick takes them over.
    stalled = len(smtp_server.messages)
    time.sleep(1)
    assert len(smtp_server.messages) == stalled <= received + CLUSTER_WORKERS, f"a sender lived on: {drops}"

    def all_sent():
        # the scheduler runs due schedules every 30 s; the every-minute tick is made due to spare the test a wait
        tick.update(next_run=timezone.now())
        return not invitations.exclude(status=Status.SENT).exists()

    wait_for(all_sent, timeout=80, interval=0.5, what="every invitation to be sent after the drops",
             explain=cluster.log_tail)

    received = Counter(rcpt for rcpt, _message in smtp_server.messages)
    extra = sum(received.values()) - AUDIENCE
    flagged = dict(invitations.filter(possible_duplicates__gt=0)
                   .values_list("ambassador__email", "possible_duplicates"))
    possible_duplicates = invitations.aggregate(total=Sum("possible_duplicates"))["total"] or 0
    print(f"\nN={AUDIENCE}: drops {drops}; all sent after {time.monotonic() - started:.1f} s; "
          f"received={sum(received.values())} duplicates={extra} possible_duplicates={possible_duplicates} "
          f"flagged={flagged}")

    # (1) every invitation is sent, to everyone in the audience and no one else.
    assert set(invitations.values_list("status", flat=True)) == {Status.SENT}
    assert set(received) == set(invitations.values_list("ambassador__email", flat=True))
    # (2) every claim cut off by a drop was taken over, its first unsent email counted as possibly in flight, and a
    # message arrived twice only where that count says it may have.
    assert possible_duplicates == len(dead)
    twice = {email: count - 1 for email, count in received.items() if count > 1}
    assert all(flagged.get(email, 0) >= copies for email, copies in twice.items()), (twice, flagged)
    assert 0 <= extra <= possible_duplicates <= 2 * CLUSTER_WORKERS
