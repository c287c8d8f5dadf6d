"""The API's admin pages: superusers only; keys and deliveries are never added or edited there; replay works."""

import pytest
from django.urls import reverse

from api.keys import key_create
from api.models import DeliveryStatus, Role, WebhookDelivery, WebhookEvent, WebhookSubscription
from tests.admin_pages import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery():
    subscription = WebhookSubscription.objects.create(
        name="crm", url="http://127.0.0.1:9/x", event=WebhookEvent.OPT_OUT, role=Role.ANALYST
    )
    return WebhookDelivery.objects.create(
        subscription=subscription, event=WebhookEvent.OPT_OUT, source_key="k", body="{}", status=DeliveryStatus.FAILED
    )


def urls(delivery):
    key, _text = key_create(name="crm", role=Role.ANALYST)
    return [
        reverse("wagtailsnippets_api_apikey:list"),
        reverse("wagtailsnippets_api_apikey:inspect", args=[key.pk]),
        reverse("wagtailsnippets_api_webhooksubscription:list"),
        reverse("wagtailsnippets_api_webhooksubscription:inspect", args=[delivery.subscription.pk]),
        reverse("wagtailsnippets_api_webhookdelivery:list"),
        reverse("wagtailsnippets_api_webhookdelivery:inspect", args=[delivery.pk]),
    ]


def test_superusers_see_keys_subscriptions_with_their_secret_and_deliveries(client_for, admin_user, delivery):
    admin = client_for(admin_user)
    for url in urls(delivery):
        assert admin.get(url).status_code == 200, url
    page = admin.get(reverse("wagtailsnippets_api_webhooksubscription:inspect", args=[delivery.subscription.pk]))
    assert delivery.subscription.secret in page.content.decode()


@pytest.mark.parametrize("role", ["product_user", "editor_user", "moderator_user", "analyst_user"])
def test_every_role_is_refused(request, client_for, role, delivery):
    staff = client_for(request.getfixturevalue(role))
    for url in urls(delivery):
        assert refused(staff.get(url)), (role, url)
    replay = reverse("wagtail_bulk_action", args=["api", "webhookdelivery", "webhook_replay"])
    staff.post(f"{replay}?id={delivery.pk}")
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED


def test_keys_and_deliveries_are_never_added_or_edited_in_the_admin(client_for, admin_user, delivery):
    admin = client_for(admin_user)
    assert refused(admin.get(reverse("wagtailsnippets_api_apikey:add")))
    assert refused(admin.get(reverse("wagtailsnippets_api_webhookdelivery:edit", args=[delivery.pk])))


def test_a_superuser_replays_a_delivery(client_for, admin_user, delivery, django_capture_on_commit_callbacks):
    replay = reverse("wagtail_bulk_action", args=["api", "webhookdelivery", "webhook_replay"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for(admin_user).post(f"{replay}?id={delivery.pk}")
    assert answer.status_code == 302
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.status == DeliveryStatus.RETRYING  # sent again: nobody listens there
