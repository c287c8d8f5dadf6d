"""The API app in the Wagtail admin: its snippets group, the view-only policy of the rows only the code writes, and
the replay of webhook deliveries."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from api.models import ApiKey, WebhookDelivery
from api.viewsets import ApiGroup, ReplayBulkAction, ViewOnlyPolicy

register_permission_policy(ApiKey, ViewOnlyPolicy(ApiKey))
register_permission_policy(WebhookDelivery, ViewOnlyPolicy(WebhookDelivery))
register_snippet(ApiGroup)
hooks.register("register_bulk_action", ReplayBulkAction)
