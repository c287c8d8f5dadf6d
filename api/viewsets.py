"""The API in the Wagtail admin, for superusers only (no role holds these permissions): the keys (listed, revoked
with the ``api_key`` command), the webhook subscriptions (their secret shown on their page, to configure the
receiver), and the deliveries with what each attempt got back, replayable by a bulk action."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.panels import FieldPanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from api.models import ApiKey, WebhookDelivery, WebhookSubscription
from api.webhooks.deliveries import delivery_replay
from campaigns.staff_admin import ConfirmedBulkAction


class ViewOnlyPolicy(ModelPermissionPolicy):
    """Rows made and changed only by the code (a key by ``api_key create``, a delivery by the collection): the admin
    lists and shows them, never adds, edits or deletes one."""

    def user_has_permission(self, user, action):
        return action not in ("add", "change", "delete") and super().user_has_permission(user, action)


class ApiKeyViewSet(SnippetViewSet):
    model = ApiKey
    icon = "key"
    menu_label = _("Clés d'API")
    list_display = ["name", "role", "prefix", "created_at", "last_used_at", "revoked_at"]
    inspect_view_enabled = True
    copy_view_enabled = False
    panels = [FieldPanel("name", read_only=True), FieldPanel("role", read_only=True)]


class WebhookSubscriptionViewSet(SnippetViewSet):
    model = WebhookSubscription
    icon = "link"
    menu_label = _("Abonnements webhook")
    list_display = ["name", "event", "url", "role", "active"]
    inspect_view_enabled = True
    inspect_view_fields = ["name", "event", "url", "role", "active", "secret", "created_at"]
    copy_view_enabled = False
    panels = [FieldPanel("name"), FieldPanel("url"), FieldPanel("event"), FieldPanel("role"), FieldPanel("active")]


class WebhookDeliveryViewSet(SnippetViewSet):
    model = WebhookDelivery
    icon = "mail"
    menu_label = _("Envois webhook")
    list_display = ["__str__", "subscription", "status", "attempts", "last_status_code", "next_attempt_at"]
    list_filter = ["status", "event"]
    inspect_view_enabled = True
    inspect_view_fields = ["subscription", "event", "status", "attempts", "last_status_code", "last_error", "body"]
    copy_view_enabled = False
    panels = [FieldPanel("status", read_only=True)]


class ApiGroup(SnippetViewSetGroup):
    items = (ApiKeyViewSet, WebhookSubscriptionViewSet, WebhookDeliveryViewSet)
    menu_icon = "code"
    menu_label = _("API et webhooks")
    menu_order = 950


class ReplayBulkAction(ConfirmedBulkAction):
    display_name = _("Renvoyer")
    action_type = "webhook_replay"
    aria_label = _("Renvoyer les envois sélectionnés")
    models = [WebhookDelivery]
    permission = "api.change_webhookdelivery"
    action_priority = 40

    def question(self, count):
        return ngettext(
            "Renvoyer cet envoi ? Le destinataire le reçoit à nouveau, avec le même identifiant.",
            "Renvoyer ces %(count)d envois ? Le destinataire les reçoit à nouveau, avec le même identifiant.",
            count,
        ) % {"count": count}

    @classmethod
    def execute_action(cls, objects, **kwargs):
        for delivery in objects:
            delivery_replay(delivery)
        return len(objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext("%(count)d envoi renvoyé.", "%(count)d envois renvoyés.", num_parent_objects) % {
            "count": num_parent_objects
        }
