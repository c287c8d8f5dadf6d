"""django-q2 entry points of the API's webhooks."""

from api.webhooks.deliveries import delivery_send, webhooks_tick


def webhooks(*args, **kwargs):
    return webhooks_tick()


def deliver_webhook(delivery_id, queued_at=None):
    return delivery_send(delivery_id, queued_at)
