"""Sending survives a real crash: a django-q2 cluster on the Redis broker, its processes killed with SIGKILL in
the middle of a campaign, then started again. Every ambassador is still invited, and a message is sent twice
only if it was in flight at the moment of the kill, counted by ``Invitation.possible_duplicates``.

The cluster runs ``manage.py qcluster`` in its own process group, on the test database, a Redis queue of its own
and the loopback SMTP server of the ``smtp_server`` fixture."""

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from django_q.models import Schedule

from campaigns.delivery import campaign_launch
from campaigns.models import Ambassador, Invitation
from tests.campaigns.factories import campaign, region_segment

ROOT = Path(__file__).resolve().parents[2]
AUDIENCE = 300
WORKERS = 2  # Q_WORKERS: at most this many senders run, so at most this many are killed
LEASE_SECONDS = 4
Status = Invitation.Status


def _wait_for(condition, *, timeout, what, interval=0.05, explain=str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"gave up after {timeout} s waiting for {what}\n{explain()}")


def _test_database_url():
    """The test database as a DATABASE_URL for another process, or None when no other process can reach it."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db.get("PASSWORD") else "")
        host = quote(db["HOST"] or "", safe="") + (f":{db['PORT']}" if db["PORT"] else "")  # a socket path too
        options = urlencode({key: value for key, value in (db.get("OPTIONS") or {}).items() if isinstance(value, str)})
        return f"postgres://{auth}@{host}/{quote(db['NAME'], safe='')}" + (f"?{options}" if options else "")
    if connection.vendor == "sqlite" and not connection.creation.is_in_memory_db(db["NAME"]):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    return None


class Cluster:
    """``manage.py qcluster`` processes started by a test, each in a process group of its own."""

    def __init__(self, env, log_dir):
        self.env, self.log_dir, self.processes = env, log_dir, []

    def start(self):
        log = (self.log_dir / f"qcluster-{len(self.processes) + 1}.log").open("wb")
        process = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=self.env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.processes.append(process)
        return process

    def kill(self, process):
        """SIGKILL to the whole group (the cluster's guard, pusher, monitor and workers), then wait until it is gone."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)

        def group_gone():
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return True
            return False

        _wait_for(group_gone, timeout=10, what=f"the processes of qcluster {process.pid} to die")

    def log_tail(self, lines=40):
        text = "\n".join(path.read_text(errors="replace") for path in sorted(self.log_dir.glob("qcluster-*.log")))
        return "\n".join(text.splitlines()[-lines:])


@pytest.fixture
def cluster(smtp_server, monkeypatch, tmp_path, caplog):
    """Start and kill real django-q2 clusters on a Redis queue used by this test only; the test process enqueues on
    that same queue. Every process started is killed at the end, whatever happens."""
    redis_url = settings.REDIS_URL
    if not redis_url:
        pytest.skip("needs the Redis broker: set REDIS_URL (CI does)")
    database_url = _test_database_url()
    if database_url is None:
        pytest.skip("the SQLite test database is in memory, out of reach of the cluster's processes: "
                    "run on PostgreSQL (DATABASE_URL=postgres://...) to exercise a real cluster")
    import redis
    from django_q.conf import Conf

    caplog.set_level(logging.WARNING, logger="mail.log")  # aiosmtpd logs every SMTP command at INFO

    name = f"test-delivery-{uuid.uuid4().hex[:12]}"
    # django_q.conf.Conf read the settings at import: point this process's enqueuing at the cluster's queue.
    # PREFIX is also the salt that signs task packages, so both sides must agree on it and on the secret key.
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", redis_url)
    monkeypatch.setattr(Conf, "PREFIX", name)
    monkeypatch.setattr(Conf, "CLUSTER_NAME", name)
    monkeypatch.setattr(Conf, "SECRET_KEY", settings.SECRET_KEY)
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "VAR_DIR": str(tmp_path / "cluster-var"),
        "SECRET_KEY": settings.SECRET_KEY,
        "Q_CLUSTER_NAME": name,
        "Q_WORKERS": str(WORKERS),
        "SEND_PARALLEL": str(WORKERS),
        "SEND_BATCH_SIZE": "50",
        "SEND_LEASE_SECONDS": str(LEASE_SECONDS),
        "CACHE_URL": "",
        "DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
    })
    store = redis.from_url(redis_url)
    store.ping()

    def forget_queue():
        keys = list(store.scan_iter(match=f"django_q:{name}:*"))
        if keys:
            store.delete(*keys)

    forget_queue()
    runner = Cluster(env, tmp_path)
    yield runner
    for process in runner.processes:
        runner.kill(process)
    forget_queue()
    store.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_killing_the_cluster_mid_campaign_invites_everyone_and_duplicates_only_messages_in_flight(
        cluster, smtp_server):
    segment = region_segment()
    now = timezone.now()
    Ambassador.objects.bulk_create(
        Ambassador(email=f"ambassadeur{number:03}@exemple.fr", first_name=f"Amb{number}", region="bre", consent_at=now)
        for number in range(AUDIENCE))
    target = campaign(segments=[segment])
    smtp_server.delay = 0.01  # every message takes a while: the kill lands in the middle of the sending
    invitations = Invitation.objects.filter(campaign=target)

    started = time.monotonic()
    first = cluster.start()
    assert campaign_launch(target) == AUDIENCE  # on commit, the sender tasks go to the cluster's Redis queue
    _wait_for(lambda: len(smtp_server.messages) >= 60, timeout=60,
              what="60 messages from the first cluster", explain=cluster.log_tail)
    cluster.kill(first)
    killed = time.monotonic()
    received_at_kill = len(smtp_server.messages)

    interrupted_claims = set(invitations.filter(status=Status.SENDING).values_list("claim", flat=True))
    unsent = invitations.filter(status__in=[Status.QUEUED, Status.SENDING]).count()
    assert received_at_kill < AUDIENCE and unsent > 0, "the kill came too late: nothing was left to send"
    assert 1 <= len(interrupted_claims) <= WORKERS, interrupted_claims

    # The scheduler of the new cluster runs its due schedules about 30 s after it starts. "campaigns: tick" is due
    # every minute; making it due now only spares the test the wait for the next minute.
    assert Schedule.objects.filter(name="campaigns: tick").update(next_run=timezone.now()) == 1
    cluster.start()
    _wait_for(lambda: not invitations.exclude(status=Status.SENT).exists(), timeout=150, interval=0.5,
              what="every invitation to be sent after the restart", explain=cluster.log_tail)

    received = Counter(rcpt for rcpt, _message in smtp_server.messages)
    extra = sum(received.values()) - AUDIENCE
    flagged = dict(invitations.filter(possible_duplicates__gt=0)
                   .values_list("ambassador__email", "possible_duplicates"))
    possible_duplicates = invitations.aggregate(total=Sum("possible_duplicates"))["total"]
    print(f"\nN={AUDIENCE}: killed after {killed - started:.1f} s with {received_at_kill} received, {unsent} unsent, "
          f"{len(interrupted_claims)} claims interrupted; all sent {time.monotonic() - killed:.1f} s later; "
          f"received={sum(received.values())} duplicates={extra} possible_duplicates={possible_duplicates} "
          f"flagged={flagged}")

    # (1) everyone is invited, and only the audience is.
    assert set(invitations.values_list("status", flat=True)) == {Status.SENT}
    assert set(received) == set(invitations.values_list("ambassador__email", flat=True))
    # (2) a message arrives twice only if it was in flight when its sender died, and it is counted as such.
    twice = {email: count - 1 for email, count in received.items() if count > 1}
    assert all(flagged.get(email, 0) >= copies for email, copies in twice.items()), (twice, flagged)
    assert 0 <= extra <= len(interrupted_claims) <= WORKERS
    assert extra <= possible_duplicates <= len(interrupted_claims)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clusters_send_one_campaign_through_temporary_and_permanent_smtp_errors(cluster, smtp_server):
    """Two clusters on the same Redis queue and database share the campaign; the SMTP server answers one
    recipient in ten with a temporary error the first time, and refuses three for good. Every temporary one ends
    up delivered, the permanent ones are marked failed, and nobody gets the invitation twice."""
    now = timezone.now()
    Ambassador.objects.bulk_create(
        Ambassador(email=f"ambassadeur{number:03}@exemple.fr", region="bre", consent_at=now) for number in range(AUDIENCE))
    refused = {"ambassadeur007@exemple.fr", "ambassadeur077@exemple.fr", "ambassadeur177@exemple.fr"}
    delayed = {f"ambassadeur{number:03}@exemple.fr" for number in range(0, AUDIENCE, 10)}
    smtp_server.reply = lambda rcpt, attempt: (
        "550 5.1.1 No such user" if rcpt in refused else "451 4.3.0 Try again later" if rcpt in delayed and attempt == 1
        else None)
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

    _wait_for(settled, timeout=180, interval=1, what="every invitation sent or failed", explain=cluster.log_tail)
    received = Counter(rcpt for rcpt, _message in smtp_server.messages)
    assert set(received) == {f"ambassadeur{number:03}@exemple.fr" for number in range(AUDIENCE)} - refused
    assert set(received.values()) == {1}  # nobody twice, though two clusters shared the work
    assert set(invitations.filter(ambassador__email__in=refused).values_list("status", flat=True)) == {Status.FAILED}
    assert invitations.filter(status=Status.SENT).count() == AUDIENCE - len(refused)
    assert all(smtp_server.attempts[address] == 2 for address in delayed - refused)
    assert set(invitations.filter(ambassador__email__in=delayed - refused).values_list("attempts", flat=True)) == {2}
