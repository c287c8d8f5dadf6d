"""Real processes for tests: ``manage.py qcluster`` clusters on the test database and a Redis queue of the test's
own (the ``cluster`` fixture of ``tests/conftest.py``), and the helpers to wait on them."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
CLUSTER_WORKERS = 2  # Q_WORKERS and SEND_PARALLEL: at most this many senders run, so at most this many are killed
CLUSTER_LEASE_SECONDS = 4  # SEND_LEASE_SECONDS: a dead sender's claim is taken over after this


def wait_for(condition, *, timeout, what, interval=0.05, explain=str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"gave up after {timeout} s waiting for {what}\n{explain()}")


def test_database_url():
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
        process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append(process)
        return process

    def kill(self, process):
        """SIGKILL to the whole group (the cluster's guard, pusher, monitor and workers), then wait until it is gone."""
        group_kill(process)

    def log_tail(self, lines=40):
        text = "\n".join(path.read_text(errors="replace") for path in sorted(self.log_dir.glob("qcluster-*.log")))
        return "\n".join(text.splitlines()[-lines:])


# --- gunicorn on the test database ------------------------------------------------------------------------

WEB_SETTINGS = """\
from config.settings import *  # noqa: F403

# Static files straight from the apps (as bench/load.py): no collectstatic run for a test.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
"""


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def group_kill(process):
    """SIGKILL to the process group of ``process`` (started with ``start_new_session``), then wait until it is gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)

    def group_gone():
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return True
        return False

    wait_for(group_gone, timeout=10, what=f"the processes of group {process.pid} to die")


def web_env(secret_key, var_dir, **extra):
    """The environment of a gunicorn serving the test database: this process's, without its async escape hatch
    and Redis, with the test's secret key (cookies signed here hold there) and a var folder of its own."""
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL"}}
    env.update(
        {
            "DATABASE_URL": test_database_url(),
            "SECRET_KEY": secret_key,
            "VAR_DIR": str(var_dir),
            "CACHE_URL": "",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            **extra,
        }
    )
    return env


class WebServer:
    """gunicorn (gthread workers) serving the project on the test database, on a loopback port that stays the same
    across restarts; the master and its workers in a process group of their own, so that ``kill`` takes them all.
    ``env`` is the environment of the test's own settings (secret key included): cookies signed before a restart
    still hold after it."""

    def __init__(self, env, log_dir, *, workers=2, threads=4):
        (log_dir / "web_test_settings.py").write_text(WEB_SETTINGS)
        self.env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "web_test_settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(log_dir), env.get("PYTHONPATH")])),
        }
        self.log_dir, self.workers, self.threads = log_dir, workers, threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes = []

    @property
    def process(self):
        return self.processes[-1]

    def start(self, timeout=60):
        """Start gunicorn and return once it answers HTTP."""
        log = (self.log_dir / f"gunicorn-{len(self.processes) + 1}.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--worker-class",
                    "gthread",
                    "--threads",
                    str(self.threads),
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        log.close()
        self.wait_answering(timeout)

    def wait_answering(self, timeout=60):
        import http.client

        def answers():
            assert self.process.poll() is None, f"gunicorn exited\n{self.log_tail()}"
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", "/sante/")
                return connection.getresponse().status  # any status: the application is loaded and serving
            except OSError:
                return None
            finally:
                connection.close()

        wait_for(
            answers, timeout=timeout, interval=0.1, what=f"gunicorn to answer on {self.url}", explain=self.log_tail
        )

    def kill(self):
        group_kill(self.process)

    def log_tail(self, lines=40):
        text = "\n".join(path.read_text(errors="replace") for path in sorted(self.log_dir.glob("gunicorn-*.log")))
        return "\n".join(text.splitlines()[-lines:])
