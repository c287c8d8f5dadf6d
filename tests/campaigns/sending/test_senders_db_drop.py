"""Sending survives the loss of its database connections: while a real django-q2 cluster sends a campaign, the
test makes PostgreSQL end every connection of the cluster's processes, twice, in the middle of the batches.

A sender whose connection ends takes a fresh one, puts the rest of its batch back in the queue (its first unsent
email counted in ``Invitation.possible_duplicates``: it may have been in flight) and carries on, by itself: the
every-minute tick, which takes over the claims of dead senders, is put off for the whole test. Every invitation
ends up sent, everyone receives it, and a message goes out twice only where ``possible_duplicates`` says it may
have."""

import json
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from django_q.models import Schedule

from campaigns.models import Ambassador, Invitation
from campaigns.sending.launch import campaign_launch
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
            "AND pid <> pg_backend_pid() AND application_name = %s",
            [application_name],
        )
        return sum(1 for (ended,) in cursor.fetchall() if ended)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_send_batch_whose_database_connections_drop_resumes_and_invites_everyone_once(cluster, smtp_server, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("terminating the cluster's connections needs PostgreSQL's pg_terminate_backend")
    now = timezone.now()
    Ambassador.objects.bulk_create(
        Ambassador(email=f"ambassadeur{number:03}@exemple.fr", first_name=f"Amb{number}", region="bre", consent_at=now)
        for number in range(AUDIENCE)
    )
    target = campaign(segments=[region_segment()])
    invitations = Invitation.objects.filter(campaign=target)
    smtp_server.delay = 0.02  # each message takes a while: the drops land in the middle of the batches
    application_name = f"{cluster.env['Q_CLUSTER_NAME']}-qcluster"
    cluster.env["PGAPPNAME"] = application_name  # libpq names every connection of the cluster's processes
    # no tick: nothing but the senders themselves can take the interrupted batches up again
    assert Schedule.objects.filter(name="campaigns: tick").update(next_run=timezone.now() + timedelta(hours=1)) == 1

    started = time.monotonic()
    cluster.start()
    assert campaign_launch(target) == AUDIENCE
    drops, goal = [], MID_BATCH
    for _drop in range(2):
        wait_for(
            lambda goal=goal: len(smtp_server.messages) >= goal and invitations.filter(status=Status.SENDING).exists(),
            timeout=60,
            interval=0.02,
            what=f"{goal} messages sent and batches under way",
            explain=cluster.log_tail,
        )
        received = len(smtp_server.messages)
        ended = terminate_backends(application_name)
        drops.append({"at": round(time.monotonic() - started, 1), "received": received, "ended": ended})
        assert ended >= CLUSTER_WORKERS, drops  # the senders' at least
        goal = received + MID_BATCH

    wait_for(
        lambda: not invitations.exclude(status=Status.SENT).exists(),
        timeout=60,
        interval=0.5,
        what="every invitation to be sent after the drops, without the tick",
        explain=cluster.log_tail,
    )
    logged = [
        json.loads(line)
        for path in sorted(tmp_path.glob("qcluster-*.log"))
        for line in path.read_text().splitlines()
        if line.startswith("{")
    ]
    interrupted = [entry for entry in logged if entry["message"] == "batch interrupted"]

    received = Counter(rcpt for rcpt, _message in smtp_server.messages)
    extra = sum(received.values()) - AUDIENCE
    flagged = dict(
        invitations.filter(possible_duplicates__gt=0).values_list("ambassador__email", "possible_duplicates")
    )
    possible_duplicates = invitations.aggregate(total=Sum("possible_duplicates"))["total"] or 0
    print(
        f"\nN={AUDIENCE}: drops {drops}; {len(interrupted)} batches interrupted; "
        f"all sent after {time.monotonic() - started:.1f} s; "
        f"received={sum(received.values())} duplicates={extra} possible_duplicates={possible_duplicates} "
        f"flagged={flagged}"
    )

    # (1) every invitation is sent, to everyone in the audience and no one else.
    assert set(invitations.values_list("status", flat=True)) == {Status.SENT}
    assert set(received) == set(invitations.values_list("ambassador__email", flat=True))
    # (2) each drop interrupted batches, whose senders put them back and went on; the first unsent email of each
    # was counted as possibly in flight, and a message arrived twice only where that count says it may have.
    assert interrupted, "no batch was interrupted: the drops came between batches"
    assert possible_duplicates == sum(1 for entry in interrupted if entry["released"])
    twice = {email: count - 1 for email, count in received.items() if count > 1}
    assert all(flagged.get(email, 0) >= copies for email, copies in twice.items()), (twice, flagged)
    assert 0 <= extra <= possible_duplicates
