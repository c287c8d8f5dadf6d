"""``Provider``: the test identity provider (django-oidc-provider, ``tests.oidc_provider.settings``) run by
Django's server in a process of its own on loopback, on a SQLite file of its own; ``seed`` creates its client and
users (again at will: a new redirect URI, a user's groups changed), ``stop`` kills it."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, CLIENT_SECRET = "ambassadeurs", "un secret de client assez long pour le test"


def free_port():
    """OIDC_TEST_PORT when set (a shared machine's range), else any free port on loopback."""
    if os.environ.get("OIDC_TEST_PORT"):
        return int(os.environ["OIDC_TEST_PORT"])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Provider:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.url = f"http://127.0.0.1:{free_port()}"
        self.issuer = f"{self.url}/openid"
        self.discovery_url = f"{self.issuer}/.well-known/openid-configuration"
        self.env = {
            **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
            "OIDC_TEST_DB": str(self.folder / "provider.sqlite3"),
            "OIDC_TEST_URL": self.url,
            "PYTHONPATH": str(ROOT),
        }
        self.process = None

    def seed(self, redirect_uris, users):
        spec = self.folder / "provider-spec.json"
        client = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris}
        spec.write_text(json.dumps({"client": client, "users": users}))
        subprocess.run(
            [sys.executable, "-m", "tests.oidc_provider.seed", str(spec)],
            env=self.env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self):
        address = self.url.removeprefix("http://")
        self.log = open(self.folder / "provider.log", "wb")  # noqa: SIM115 (closed by stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", address, "--noreload"],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the test identity provider stopped: {(self.folder / 'provider.log').read_text()}")
            try:
                if requests.get(self.discovery_url, timeout=2).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the test identity provider did not answer within 60 s")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.log.close()
