"""The admin pieces other apps build on, public on purpose: a permission check for staff views, a menu viewset
shown only to those holding its permissions, a chooser that checks who may list people, a bulk action
confirmed on one shared page, and the campaign form's panel linking to what its links lead to (its survey)."""

import functools

from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import HelpPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.chooser import SnippetChooserViewSet

from campaigns.tracking.destinations import staff_links


def require_perms(request, *permissions):
    """Refuse (403) a staff view to whoever lacks one of ``permissions``."""
    if not request.user.has_perms(permissions):
        raise PermissionDenied


def with_permission(view, permission):
    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        require_perms(request, permission)
        return view(request, *args, **kwargs)

    return checked


class PeopleChooserViewSet(SnippetChooserViewSet):
    """The chooser of a model whose rows name people (an ambassador, an invitation: by email). Wagtail's
    choosers check no permission of their own, so any admin account could list them: only those who may view
    the model may open it."""

    def get_urlpatterns(self):
        permission = f"{self.model._meta.app_label}.view_{self.model._meta.model_name}"
        return [
            URLPattern(
                pattern.pattern, with_permission(pattern.callback, permission), pattern.default_args, pattern.name
            )
            for pattern in super().get_urlpatterns()
        ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permissions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.permissions = permissions

    def is_shown(self, request):
        return request.user.has_perms(self.permissions)


class MenuViewSet(ViewSet):
    """A viewset of custom admin views whose menu item shows only to those holding ``menu_permissions``."""

    add_to_admin_menu = True
    menu_order = 900
    menu_permissions = ()

    def get_menu_item(self, order=None):
        return PermissionMenuItem(
            self.menu_label,
            reverse(f"{self.name}:index"),
            icon_name=self.icon,
            order=order or self.menu_order,
            permissions=self.menu_permissions,
            name=self.name,
        )


class ConfirmedBulkAction(SnippetBulkAction):
    """A bulk action confirmed on one shared page: ``question(count)`` says what will happen."""

    template_name = "campaigns/bulk_actions/confirm.html"
    permission = None

    def question(self, count):
        raise NotImplementedError

    def check_perm(self, obj):
        return self.request.user.has_perm(self.permission)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(action_title=self.display_name, question=self.question(len(context["items"])))
        return context


def yes_no_column(model, name):
    """A listing column of a boolean field written as the words « Oui » / « Non » (never a raw True or False)."""

    def word(instance):
        value = getattr(instance, name)
        return "—" if value is None else (_("Oui") if value else _("Non"))

    return Column(name, label=capfirst(model._meta.get_field(name).verbose_name), accessor=word, sort_key=name)


class DestinationsPanel(HelpPanel):
    """On the campaign form: where its survey (or what else its links lead to) is built and attached."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template", "campaigns/admin/destinations_panel.html")
        kwargs.setdefault("heading", gettext_lazy("Questionnaire et autres destinations"))
        super().__init__(**kwargs)

    class BoundPanel(HelpPanel.BoundPanel):
        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            campaign = self.instance
            context["links"] = staff_links(campaign) if campaign is not None and campaign.pk else []
            context["saved"] = campaign is not None and bool(campaign.pk)
            return context
