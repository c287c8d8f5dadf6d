"""Webhooks received by a real HTTP server on loopback, which checks every signature as a client would."""

import http.server
import json
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import DeliveryStatus, Role, WebhookDelivery, WebhookEvent, WebhookSubscription
from api.webhooks.deliveries import delivery_replay, webhooks_tick
from api.webhooks.signing import HEADER, signature_header, signature_valid
from campaigns.audience.opt_out import ambassadors_opt_out
from campaigns.sending.launch import campaign_close
from tests.campaigns.factories import ambassador, campaign

pytestmark = pytest.mark.django_db


class Receiver:
    """An HTTP server on 127.0.0.1 that answers the statuses it is told, in turn, and keeps what it got."""

    def __init__(self, statuses):
        self.statuses, self.received = list(statuses), []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def start(*statuses):
        made.append(Receiver(statuses))
        return made[-1]

    yield start
    for server in made:
        server.close()


def subscribe(url, event, role=Role.PRODUCT_TEAM):
    subscription = WebhookSubscription.objects.create(name="crm", url=url, event=event, role=role)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    return WebhookSubscription.objects.get(pk=subscription.pk)


def later(seconds):
    return timezone.now() + timedelta(seconds=seconds)


def test_a_failed_delivery_is_retried_with_backoff_then_succeeds_every_attempt_signed(receiver, settings):
    server = receiver(500)
    subscription = subscribe(server.url, WebhookEvent.OPT_OUT)
    person = ambassador("lea@exemple.fr", external_id="CRM-9")
    ambassadors_opt_out([person.pk], when=timezone.now() - timedelta(seconds=30))
    assert webhooks_tick(now=timezone.now()) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.RETRYING, 1, 500)
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=settings.WEBHOOK_RETRY_SECONDS - 5)
    assert webhooks_tick(now=timezone.now()) == 0  # not due yet: the backoff holds it
    assert webhooks_tick(now=later(settings.WEBHOOK_RETRY_SECONDS + 1)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 2, 200)
    assert len(server.received) == 2
    for headers, body in server.received:
        assert signature_valid(subscription.secret, headers[HEADER], body, now=time.time())
        assert not signature_valid("another secret", headers[HEADER], body, now=time.time())
        assert not signature_valid(subscription.secret, headers[HEADER], body + b" ", now=time.time())
    payload = json.loads(server.received[1][1])
    assert payload["event"] == "ambassador.opted_out" and payload["data"]["ambassador"]["external_id"] == "CRM-9"
    assert server.received[0][1] == server.received[1][1]  # the same bytes, the same event id


def test_an_analyst_subscription_gets_no_personal_data(receiver):
    server = receiver()
    subscribe(server.url, WebhookEvent.OPT_OUT, role=Role.ANALYST)
    person = ambassador("lea@exemple.fr", external_id="CRM-9")
    ambassadors_opt_out([person.pk], when=timezone.now() - timedelta(seconds=30))
    webhooks_tick()
    body = server.received[0][1].decode()
    assert "lea@" not in body and "CRM-9" not in body and json.loads(body)["data"] == {}


def test_each_event_is_delivered_once_and_a_replay_sends_it_again(receiver, django_capture_on_commit_callbacks):
    server = receiver()
    subscribe(server.url, WebhookEvent.CAMPAIGN_CLOSED)
    target = campaign(status="live", launched_at=timezone.now() - timedelta(days=1))
    campaign_close(target, now=timezone.now() - timedelta(seconds=30))
    webhooks_tick()
    webhooks_tick(now=later(3600))
    assert len(server.received) == 1 and json.loads(server.received[0][1])["data"]["slug"] == target.slug
    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(WebhookDelivery.objects.get())
    assert len(server.received) == 2 and WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_delivery_is_given_up_after_the_last_attempt(receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    server = receiver(500, 502)
    subscribe(server.url, WebhookEvent.OPT_OUT)
    ambassadors_opt_out([ambassador("a@exemple.fr").pk], when=timezone.now() - timedelta(seconds=30))
    webhooks_tick()
    webhooks_tick(now=later(3600))
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 2, 502)


def test_an_unreachable_receiver_is_logged_and_retried():
    subscribe("http://127.0.0.1:9/nothing", WebhookEvent.OPT_OUT)
    ambassadors_opt_out([ambassador("a@exemple.fr").pk], when=timezone.now() - timedelta(seconds=30))
    webhooks_tick()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.last_status_code is None and delivery.last_error


def test_signature_refuses_an_old_timestamp():
    header = signature_header("s", time.time() - 3600, b"{}")
    assert not signature_valid("s", header, b"{}", now=time.time())
