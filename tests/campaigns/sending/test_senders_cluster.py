"""Sending survives a real crash: a django-q2 cluster on the Redis broker, its processes killed with SIGKILL in
the middle of a campaign, then started again. Every ambassador is still invited, and a message is sent twice
only if it was in flight at the moment of the kill, counted by ``Invitation.possible_duplicates``.

The cluster runs ``manage.py qcluster`` in its own process group, on the test database, a Redis queue of its own
and the loopback SMTP server of the ``smtp_server`` fixture (the ``cluster`` fixture of ``tests/conftest.py``)."""

import time
from collections import Counter

import pytest
from django.db.models import Sum
from django.utils import timezone
from django_q.models import Schedule

from campaigns.models import Ambassador, Invitation
from campaigns.sending.launch import campaign_launch
from tests.campaigns.factories import campaign, region_segment
from tests.cluster import CLUSTER_WORKERS, wait_for

AUDIENCE = 300
Status = Invitation.Status


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_killing_the_cluster_mid_campaign_invites_everyone_and_duplicates_only_messages_in_flight(cluster, smtp_server):
    segment = region_segment()
    now = timezone.now()
    Ambassador.objects.bulk_create(
        Ambassador(email=f"ambassadeur{number:03}@exemple.fr", first_name=f"Amb{number}", region="bre", consent_at=now)
        for number in range(AUDIENCE)
    )
    target = campaign(segments=[segment])
    smtp_server.delay = 0.01  # every message takes a while: the kill lands in the middle of the sending
    invitations = Invitation.objects.filter(campaign=target)

    started = time.monotonic()
    first = cluster.start()
    assert campaign_launch(target) == AUDIENCE  # on commit, the sender tasks go to the cluster's Redis queue
    wait_for(
        lambda: len(smtp_server.messages) >= 60,
        timeout=60,
        what="60 messages from the first cluster",
        explain=cluster.log_tail,
    )
    cluster.kill(first)
    killed = time.monotonic()
    received_at_kill = len(smtp_server.messages)

    interrupted_claims = set(invitations.filter(status=Status.SENDING).values_list("claim", flat=True))
    unsent = invitations.filter(status__in=[Status.QUEUED, Status.SENDING]).count()
    assert received_at_kill < AUDIENCE and unsent > 0, "the kill came too late: nothing was left to send"
    assert 1 <= len(interrupted_claims) <= CLUSTER_WORKERS, interrupted_claims

    # The scheduler of the new cluster runs its due schedules about 30 s after it starts. "campaigns: tick" is due
    # every minute; making it due now only spares the test the wait for the next minute.
    assert Schedule.objects.filter(name="campaigns: tick").update(next_run=timezone.now()) == 1
    cluster.start()
    wait_for(
        lambda: not invitations.exclude(status=Status.SENT).exists(),
        timeout=150,
        interval=0.5,
        what="every invitation to be sent after the restart",
        explain=cluster.log_tail,
    )

    received = Counter(rcpt for rcpt, _message in smtp_server.messages)
    extra = sum(received.values()) - AUDIENCE
    flagged = dict(
        invitations.filter(possible_duplicates__gt=0).values_list("ambassador__email", "possible_duplicates")
    )
    possible_duplicates = invitations.aggregate(total=Sum("possible_duplicates"))["total"]
    print(
        f"\nN={AUDIENCE}: killed after {killed - started:.1f} s with {received_at_kill} received, {unsent} unsent, "
        f"{len(interrupted_claims)} claims interrupted; all sent {time.monotonic() - killed:.1f} s later; "
        f"received={sum(received.values())} duplicates={extra} possible_duplicates={possible_duplicates} "
        f"flagged={flagged}"
    )

    # (1) everyone is invited, and only the audience is.
    assert set(invitations.values_list("status", flat=True)) == {Status.SENT}
    assert set(received) == set(invitations.values_list("ambassador__email", flat=True))
    # (2) a message arrives twice only if it was in flight when its sender died, and it is counted as such.
    twice = {email: count - 1 for email, count in received.items() if count > 1}
    assert all(flagged.get(email, 0) >= copies for email, copies in twice.items()), (twice, flagged)
    assert 0 <= extra <= len(interrupted_claims) <= CLUSTER_WORKERS
    assert extra <= possible_duplicates <= len(interrupted_claims)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clusters_send_one_campaign_through_temporary_and_permanent_smtp_errors(cluster, smtp_server):
    """Two clusters on the same Redis queue and database share the campaign; the SMTP server answers one
    recipient in ten with a temporary error the first time, and refuses three for good. Every temporary one ends
    up delivered, the permanent ones are marked failed, and nobody gets the invitation twice."""
    now = timezone.now()
    Ambassador.objects.bulk_create(
        Ambassador(email=f"ambassadeur{number:03}@exemple.fr", region="bre", consent_at=now)
        for number in range(AUDIENCE)
    )
    refused = {"ambassadeur007@exemple.fr", "ambassadeur077@exemple.fr", "ambassadeur177@exemple.fr"}
    delayed = {f"ambassadeur{number:03}@exemple.fr" for number in range(0, AUDIENCE, 10)}
    smtp_server.reply = lambda rcpt, attempt: (
        "550 5.1.1 No such user"
        if rcpt in refused
        else "451 4.3.0 Try again later"
        if rcpt in delayed and attempt == 1
        else None
    )
    cluster.env["SEND_RETRY_BASE_SECONDS"] = "1"
    cluster.start()
    cluster.start()
    target = campaign(segments=[region_segment()])
    invitations = Invitation.objects.filter(campaign=target)
    assert campaign_launch(target) == AUDIENCE

    def settled():
        # the retries wait for the every-minute tick: make it due while the test waits
        Schedule.objects.filter(name="campaigns: tick").update(next_run=timezone.now())
        return not invitations.filter(status__in=[Status.QUEUED, Status.SENDING]).exists()

    wait_for(settled, timeout=180, interval=1, what="every invitation sent or failed", explain=cluster.log_tail)
    received = Counter(rcpt for rcpt, _message in smtp_server.messages)
    assert set(received) == {f"ambassadeur{number:03}@exemple.fr" for number in range(AUDIENCE)} - refused
    assert set(received.values()) == {1}  # nobody twice, though two clusters shared the work
    assert set(invitations.filter(ambassador__email__in=refused).values_list("status", flat=True)) == {Status.FAILED}
    assert invitations.filter(status=Status.SENT).count() == AUDIENCE - len(refused)
    assert all(smtp_server.attempts[address] == 2 for address in delayed - refused)
    assert set(invitations.filter(ambassador__email__in=delayed - refused).values_list("attempts", flat=True)) == {2}
