"""The API app in the Wagtail admin: its snippets group and the replay of webhook deliveries."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from api.viewsets import ApiGroup, ReplayBulkAction

register_snippet(ApiGroup)
hooks.register("register_bulk_action", ReplayBulkAction)
