"""Shared fixtures: named staff users (one per role, and an outsider), a fast password hasher, tasks run at
once, files written to a temporary var/ folder, a headless Chromium for browser tests, a real SMTP server on
loopback, and real django-q2 clusters on Redis."""

import logging
import os
import shutil
import uuid

import pytest
from django.contrib.auth.models import Group

from campaigns.roles import ANALYST, EDITOR, MODERATOR, PRODUCT_TEAM
from tests.cluster import CLUSTER_LEASE_SECONDS, CLUSTER_WORKERS, Cluster, test_database_url

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "un mot de passe de test assez long"


@pytest.fixture(autouse=True)
def _cache_cleared():
    """Each test starts with an empty cache (rate-limit counters, among others) and no address held back."""
    from django.core.cache import cache

    from campaigns.tracking import throttle

    cache.clear()
    throttle._blocked.clear()
    yield
    cache.clear()
    throttle._blocked.clear()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "fr"
    # Tests send at any hour, any day (the sending window's own tests narrow it).
    settings.SEND_WINDOW, settings.SEND_WEEKENDS = "00:00-24:00", True
    settings.TRACKING_FLUSH_MS = 0  # opens and clicks written at once (tests/campaigns/tracking/test_buffer.py defers)
    # Static files straight from the apps (production serves the collected, hashed copies).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session", autouse=True)
def _connections_closed_after_each_request():
    """A live server answers each request in a thread of its own; with persistent connections (CONN_MAX_AGE),
    each such thread would leave its connection open until garbage-collected, and browser tests would use up
    PostgreSQL's connections before the concurrency tests run."""
    from django.db import connections

    for alias in connections:
        connections.settings[alias]["CONN_MAX_AGE"] = 0


@pytest.fixture(scope="session", autouse=True)
def _serialized_contents_survive_playwright(django_db_setup):
    """Browser tests restore the migrations' data (roles, catalogue, site) after each flush from contents Django
    keeps on the connection object. Playwright's event loop makes the ORM open a new connection object, which
    lacks them: keep them on the class, so every connection object has them."""
    from django.db import connections

    contents = getattr(connections["default"], "_test_serialized_contents", None)
    if contents:
        type(connections["default"])._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _tasks_run_at_once(monkeypatch):
    """django-q2 runs queued tasks in the calling process (tests of the real cluster undo this)."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)


def _staff(django_user_model, username, role=None, **extra):
    user = django_user_model.objects.create_user(
        username=username,
        email=f"{username}@banque.example",
        password=PASSWORD,
        first_name=username.capitalize(),
        **extra,
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def admin_user(django_user_model):
    return _staff(django_user_model, "admin", is_staff=True, is_superuser=True)


@pytest.fixture
def product_user(django_user_model):
    return _staff(django_user_model, "produit", PRODUCT_TEAM)


@pytest.fixture
def editor_user(django_user_model):
    return _staff(django_user_model, "editeur", EDITOR)


@pytest.fixture
def moderator_user(django_user_model):
    return _staff(django_user_model, "moderateur", MODERATOR)


@pytest.fixture
def analyst_user(django_user_model):
    return _staff(django_user_model, "analyste", ANALYST)


@pytest.fixture
def outsider_user(django_user_model):
    """A logged-in account with no role: must be refused everywhere in the admin."""
    return _staff(django_user_model, "inconnu")


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


# --- browser -----------------------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail(
            "Debian's chromium is not installed: run `bin/ensure-system-packages` (apt-get install chromium) first."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


# --- a real SMTP server on loopback ------------------------------------------------------------------------


class SmtpRecorder:
    """aiosmtpd handler keeping every message; ``reply`` may return an SMTP error line for a recipient."""

    def __init__(self):
        import threading

        self.messages = []
        self.received_at = []  # (recipient, time.monotonic() once its message's data is in), in arrival order
        self.lock = threading.Lock()
        self.reply = lambda rcpt, attempt: None
        self.attempts = {}
        self.delay = 0.0
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self.lock:
            self.connections += 1
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.attempts[address] = self.attempts.get(address, 0) + 1
            attempt = self.attempts[address]
        error = self.reply(address, attempt)
        if error:
            return error
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        import time
        from email import message_from_bytes, policy

        arrived = time.monotonic()
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.messages.append((rcpt, message))
                self.received_at.append((rcpt, arrived))
        return "250 Message accepted"

    def to(self, address):
        return [message for rcpt, message in self.messages if rcpt == address]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on loopback; Django sends to it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = SmtpRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    recorder.port = port
    yield recorder
    controller.stop()


# --- real django-q2 clusters ------------------------------------------------------------------------------


@pytest.fixture
def cluster(smtp_server, monkeypatch, tmp_path, caplog, settings):
    """Start and kill real django-q2 clusters (``cluster.start()``) on a Redis queue used by this test only; the
    test process, and a live server in it, enqueue on that same queue; the clusters send to ``smtp_server``. Set
    ``cluster.env`` (SITE_URL, say) before starting. Every process started is killed at the end, whatever happens."""
    redis_url = settings.REDIS_URL
    if not redis_url:
        pytest.skip("needs the Redis broker: set REDIS_URL (CI does)")
    database_url = test_database_url()
    if database_url is None:
        pytest.skip(
            "the SQLite test database is in memory, out of reach of the cluster's processes: "
            "run on PostgreSQL (DATABASE_URL=postgres://...) to exercise a real cluster"
        )
    import redis
    from django_q.conf import Conf

    caplog.set_level(logging.WARNING, logger="mail.log")  # aiosmtpd logs every SMTP command at INFO

    name = f"test-cluster-{uuid.uuid4().hex[:12]}"
    # django_q.conf.Conf read the settings at import: point this process's enqueuing at the cluster's queue.
    # PREFIX is also the salt that signs task packages, so both sides must agree on it and on the secret key.
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", redis_url)
    monkeypatch.setattr(Conf, "PREFIX", name)
    monkeypatch.setattr(Conf, "CLUSTER_NAME", name)
    monkeypatch.setattr(Conf, "SECRET_KEY", settings.SECRET_KEY)
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
            "VAR_DIR": str(tmp_path / "cluster-var"),
            "SECRET_KEY": settings.SECRET_KEY,
            "Q_CLUSTER_NAME": name,
            "Q_WORKERS": str(CLUSTER_WORKERS),
            "SEND_PARALLEL": str(CLUSTER_WORKERS),
            "SEND_BATCH_SIZE": "50",
            "SEND_LEASE_SECONDS": str(CLUSTER_LEASE_SECONDS),
            "SEND_WINDOW": "00:00-24:00",
            "SEND_WEEKENDS": "1",
            "CACHE_URL": "",
            "DEBUG": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    store = redis.from_url(redis_url)
    store.ping()

    def forget_queue():  # and the sending pace's buckets
        keys = list(store.scan_iter(match=f"django_q:{name}:*")) + list(store.scan_iter(match="campaigns:pace:*"))
        if keys:
            store.delete(*keys)

    forget_queue()
    runner = Cluster(env, tmp_path)
    yield runner
    for process in runner.processes:
        runner.kill(process)
    forget_queue()
    store.close()


# --- a real OpenID Connect provider on loopback (staff single sign-on) -------------------------------------

PROVIDER_PASSWORD = "le mot de passe chez le fournisseur"
# The provider's groups, mapped to our four roles by the ``single_sign_on`` fixture's settings.
ROLE_GROUPS = {
    PRODUCT_TEAM: ["banque-produit"],
    EDITOR: ["banque-edition", "banque-communication"],
    MODERATOR: ["banque-moderation"],
    ANALYST: ["banque-analyse"],
}
PROVIDER_USERS = [
    {"username": "claire", "email": "claire.martin@banque.example", "first_name": "Claire", "last_name": "Martin",
     "groups": ["banque-produit", "tout-le-personnel"]},
    {"username": "hugo", "email": "hugo.petit@banque.example", "first_name": "Hugo", "last_name": "Petit",
     "groups": ["banque-analyse", "banque-moderation"]},
    {"username": "nina", "email": "nina.roux@banque.example", "first_name": "Nina", "last_name": "Roux",
     "groups": ["tout-le-personnel"]},
    {"username": "admin", "email": "admin@banque.example", "first_name": "Admin", "last_name": "Banque",
     "groups": ["banque-produit"]},
]  # fmt: skip


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """django-oidc-provider in a process of its own on loopback (tests/oidc_provider), its client allowed to send
    staff back to the test client's address; users of ``PROVIDER_USERS``, each with ``PROVIDER_PASSWORD``."""
    from tests.oidc_provider.server import Provider

    provider = Provider(tmp_path_factory.mktemp("oidc-provider"))
    provider.users = [{**user, "password": PROVIDER_PASSWORD} for user in PROVIDER_USERS]
    provider.seed(["http://testserver/oidc/callback/"], provider.users)
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def single_sign_on(settings, oidc_provider):
    """The service set up as the README says, against ``oidc_provider``: endpoints from its discovery document."""
    from tests.oidc_provider.server import CLIENT_ID, CLIENT_SECRET

    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.OIDC_OP_DISCOVERY_URL = oidc_provider.discovery_url
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_ROLE_GROUPS = ROLE_GROUPS
    settings.AUTHENTICATION_BACKENDS = [
        "campaigns.accounts.single_sign_on.SingleSignOn",
        "campaigns.accounts.logins.ThrottledLogins",
    ]
    return oidc_provider
