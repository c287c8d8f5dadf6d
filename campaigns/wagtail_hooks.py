"""The campaigns app in the Wagtail admin: ambassadors, segments, products, tags and imports."""

import functools

import django_filters
from django import forms
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    Panel,
    TabbedInterface,
)
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from campaigns import admin_views as views
from campaigns.delivery import invitations_withdraw
from campaigns.forms import CampaignAdminForm
from campaigns.models import Ambassador, Campaign, Invitation, Product, Segment, Tag
from campaigns.opt_out import ambassadors_opt_out
from campaigns.progress import live_campaigns_progress
from campaigns.segments import add_to_static_segment


class AmbassadorFilterSet(WagtailFilterSet):
    opted_out = django_filters.BooleanFilter(
        label=_("Désinscrit"), field_name="opted_out_at", lookup_expr="isnull", exclude=True
    )
    consented = django_filters.BooleanFilter(
        label=_("Consentement donné"), field_name="consent_at", lookup_expr="isnull", exclude=True
    )
    segment = django_filters.ModelChoiceFilter(
        label=_("Liste fixe"), field_name="static_segments", queryset=Segment.objects.filter(kind=Segment.Kind.STATIC)
    )

    class Meta:
        model = Ambassador
        fields = ["region", "age_band", "locale", "products", "tags"]


def _with_permission(view, permission):
    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        views.require_perms(request, permission)
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
                pattern.pattern, _with_permission(pattern.callback, permission), pattern.default_args, pattern.name
            )
            for pattern in super().get_urlpatterns()
        ]


class AmbassadorViewSet(SnippetViewSet):
    model = Ambassador
    chooser_viewset_class = PeopleChooserViewSet
    icon = "user"
    menu_label = _("Ambassadeurs")
    list_display = ["email", "first_name", "last_name", "region", "age_band", "locale", "opted_out_at"]
    list_per_page = 50
    search_fields = ["email", "first_name", "last_name"]
    search_backend_name = None
    filterset_class = AmbassadorFilterSet
    inspect_view_enabled = True
    copy_view_enabled = False
    panels = [
        FieldPanel("email"),
        FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
        FieldRowPanel([FieldPanel("locale"), FieldPanel("region"), FieldPanel("age_band")]),
        FieldPanel("customer_since"),
        FieldPanel("products", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags"),
        MultiFieldPanel([FieldPanel("consent_at"), FieldPanel("opted_out_at")], heading=_("Consentement")),
    ]


class SegmentSizePanel(Panel):
    """Shows, live while the rules are edited, how many contactable ambassadors the segment holds."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "campaigns/panels/segment_size.html"

        class Media:
            js = ["campaigns/segment_size.js"]

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["size_url"] = reverse(Segment.snippet_viewset.get_url_name("size"))
            context["segment_id"] = self.instance.pk or ""
            return context


class SegmentViewSet(SnippetViewSet):
    model = Segment
    icon = "group"
    menu_label = _("Segments")
    list_display = ["name", "kind", "match", "updated_at"]
    search_fields = ["name", "description"]
    search_backend_name = None
    copy_view_enabled = True
    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("match")]),
        InlinePanel("rules", label=_("condition"), heading=_("Conditions (pour un filtre sur les attributs)")),
        SegmentSizePanel(heading=_("Taille du segment")),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("size/", views.segment_size, name="size")]


class ProductViewSet(SnippetViewSet):
    model = Product
    icon = "tag"
    menu_label = _("Produits")
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    search_backend_name = None


class TagViewSet(SnippetViewSet):
    model = Tag
    icon = "tag"
    menu_label = _("Étiquettes")
    list_display = ["name"]
    search_fields = ["name"]
    search_backend_name = None


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


class AmbassadorImportViewSet(MenuViewSet):
    name = "ambassador_import"
    icon = "upload"
    menu_label = _("Importer")
    menu_hook = "register_audience_menu_item"
    menu_permissions = views.IMPORT_PERMISSIONS

    def get_urlpatterns(self):
        return [
            path("", views.ambassador_import, name="index"),
            path("<int:pk>/", views.ambassador_import_detail, name="detail"),
        ]


class AudienceGroup(SnippetViewSetGroup):
    menu_label = _("Ambassadeurs")
    menu_icon = "group"
    menu_order = 200
    submenu_hook = "register_audience_menu_item"
    items = (AmbassadorViewSet, SegmentViewSet, ProductViewSet, TagViewSet)


register_snippet(AudienceGroup)


@hooks.register("register_admin_viewset")
def register_import_viewset():
    return AmbassadorImportViewSet()


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


class OptOutBulkAction(ConfirmedBulkAction):
    display_name = _("Désinscrire")
    action_type = "opt_out"
    aria_label = _("Désinscrire les ambassadeurs sélectionnés")
    models = [Ambassador]
    permission = "campaigns.change_ambassador"
    action_priority = 40

    def question(self, count):
        return ngettext(
            "Désinscrire cet ambassadeur ? Il ne recevra plus aucun e-mail.",
            "Désinscrire ces %(count)d ambassadeurs ? Ils ne recevront plus aucun e-mail.",
            count,
        ) % {"count": count}

    @classmethod
    def execute_action(cls, objects, **kwargs):
        return ambassadors_opt_out(obj.pk for obj in objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d ambassadeur désinscrit.", "%(count)d ambassadeurs désinscrits.", num_parent_objects
        ) % {"count": num_parent_objects}


class StaticSegmentForm(forms.Form):
    segment = forms.ModelChoiceField(label=_("Liste fixe"), queryset=Segment.objects.filter(kind=Segment.Kind.STATIC))


class AddToSegmentBulkAction(ConfirmedBulkAction):
    display_name = _("Ajouter à une liste")
    action_type = "add_to_segment"
    aria_label = _("Ajouter les ambassadeurs sélectionnés à une liste fixe")
    models = [Ambassador]
    form_class = StaticSegmentForm
    permission = "campaigns.change_segment"
    action_priority = 50

    def question(self, count):
        return ngettext(
            "Ajouter cet ambassadeur à la liste fixe choisie ?",
            "Ajouter ces %(count)d ambassadeurs à la liste fixe choisie ?",
            count,
        ) % {"count": count}

    def get_execution_context(self):
        return {"segment": self.cleaned_form.cleaned_data["segment"]}

    @classmethod
    def execute_action(cls, objects, segment=None, **kwargs):
        return add_to_static_segment(segment, (obj.pk for obj in objects)), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d ambassadeur ajouté à la liste.", "%(count)d ambassadeurs ajoutés à la liste.", num_parent_objects
        ) % {"count": num_parent_objects}


hooks.register("register_bulk_action", OptOutBulkAction)
hooks.register("register_bulk_action", AddToSegmentBulkAction)


# --- campaigns ---------------------------------------------------------------------------------------------

EMAIL_HELP = _("Variables : {prenom}, {campagne}, {lien} (le lien personnel), {date_cloture}.")


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "mail"
    menu_label = _("Campagnes")
    list_display = ["title", "status", "kind", "launched_at", "closes_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "theme", "slug"]
    search_backend_name = None
    copy_view_enabled = False
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("slug"),
                    FieldPanel("theme"),
                    FieldPanel("description"),
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("owner")]),
                    FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                    FieldPanel("segments", widget=forms.CheckboxSelectMultiple),
                ],
                heading=_("Campagne"),
            ),
            ObjectList(
                [
                    FieldPanel("reply_to"),
                    MultiFieldPanel(
                        [FieldPanel("subject_fr"), FieldPanel("body_fr")], heading=_("Français"), help_text=EMAIL_HELP
                    ),
                    MultiFieldPanel(
                        [FieldPanel("subject_en"), FieldPanel("body_en")],
                        heading=_("Anglais"),
                        help_text=_("Facultatif : sans texte anglais, les anglophones reçoivent la version française."),
                    ),
                ],
                heading=_("E-mail d'invitation"),
            ),
            ObjectList(
                [InlinePanel("reminders", label=_("relance"), heading=_("Relances aux ambassadeurs sans réponse"))],
                heading=_("Relances"),
            ),
        ],
        base_form_class=CampaignAdminForm,
    )


class InvitationFilterSet(WagtailFilterSet):
    class Meta:
        model = Invitation
        fields = ["campaign", "status", "skip_reason"]


class InvitationViewSet(SnippetViewSet):
    """Who was invited and what became of it; staff withdraw an invitation here (its link then stops working)."""

    model = Invitation
    chooser_viewset_class = PeopleChooserViewSet
    icon = "user"
    menu_label = _("Invitations")
    list_display = [
        "ambassador",
        "campaign",
        "status",
        "sent_at",
        "first_opened_at",
        "first_clicked_at",
        "responded_at",
    ]
    list_per_page = 50
    search_fields = ["ambassador__email", "ambassador__last_name"]
    search_backend_name = None
    filterset_class = InvitationFilterSet
    inspect_view_enabled = True
    copy_view_enabled = False
    inspect_view_fields_exclude = ["token", "claim"]

    def get_queryset(self, request):
        return Invitation.objects.select_related("ambassador", "campaign")


class CampaignActionsViewSet(ViewSet):
    """Per campaign: the live figures, the email preview, a test send, and the state changes."""

    name = "campaign_actions"
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("<int:pk>/", views.campaign_overview, name="overview"),
            path("<int:pk>/preview/<str:locale>/", views.campaign_preview, name="preview"),
            path("<int:pk>/test/", views.campaign_test_send, name="test"),
            path("<int:pk>/<str:action>/", views.campaign_action, name="action"),
        ]


class OutboxViewSet(MenuViewSet):
    name = "outbox"
    icon = "mail"
    menu_label = _("Boîte d'envoi")
    menu_hook = "register_campaigns_menu_item"
    menu_permissions = ("campaigns.view_outboxmessage",)

    def get_urlpatterns(self):
        return [path("", views.outbox_index, name="index"), path("<int:pk>/", views.outbox_message, name="detail")]


class CampaignsGroup(SnippetViewSetGroup):
    menu_label = _("Campagnes")
    menu_icon = "mail"
    menu_order = 100
    submenu_hook = "register_campaigns_menu_item"
    items = (CampaignViewSet, InvitationViewSet)


register_snippet(CampaignsGroup)


class AmbassadorDataViewSet(ViewSet):
    """An ambassador's personal data: handed over as a file, or erased."""

    name = "ambassador_data"
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("<int:pk>/export/", views.ambassador_data_export, name="export"),
            path("<int:pk>/erase/", views.ambassador_data_erase, name="erase"),
        ]


@hooks.register("register_admin_viewset")
def register_campaign_viewsets():
    return [CampaignActionsViewSet(), OutboxViewSet(), AmbassadorDataViewSet()]


@hooks.register("register_snippet_listing_buttons")
def campaign_follow_button(snippet, user, next_url=None):
    if isinstance(snippet, Campaign):
        yield ListingButton(
            _("Suivi"), reverse("campaign_actions:overview", args=[snippet.pk]), icon_name="view", priority=5
        )
    if isinstance(snippet, Ambassador) and snippet.erased_at is None:
        if user.has_perm("campaigns.view_ambassador"):
            yield ListingButton(
                _("Ses données"),
                reverse("ambassador_data:export", args=[snippet.pk]),
                icon_name="download",
                priority=30,
            )
        if user.has_perm("campaigns.delete_ambassador"):
            yield ListingButton(
                _("Effacer"), reverse("ambassador_data:erase", args=[snippet.pk]), icon_name="bin", priority=31
            )


class WithdrawBulkAction(ConfirmedBulkAction):
    display_name = _("Retirer")
    action_type = "withdraw"
    aria_label = _("Retirer les invitations sélectionnées")
    models = [Invitation]
    permission = "campaigns.change_invitation"

    def question(self, count):
        return ngettext(
            "Retirer cette invitation ? Son lien ne fonctionnera plus.",
            "Retirer ces %(count)d invitations ? Leurs liens ne fonctionneront plus.",
            count,
        ) % {"count": count}

    @classmethod
    def execute_action(cls, objects, **kwargs):
        return invitations_withdraw(obj.pk for obj in objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d invitation retirée : son lien ne fonctionne plus.",
            "%(count)d invitations retirées : leurs liens ne fonctionnent plus.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


hooks.register("register_bulk_action", WithdrawBulkAction)


class LiveCampaignsPanel(Component):
    """On the admin home, for the product team: the live campaigns and how their invitations fare."""

    name = "live_campaigns"
    order = 50
    template_name = "campaigns/admin/live_campaigns_panel.html"

    def get_context_data(self, parent_context=None):
        return {"rows": live_campaigns_progress()}


@hooks.register("construct_homepage_panels")
def live_campaigns_panel(request, panels):
    if request.user.has_perm("campaigns.view_campaign"):
        panels.append(LiveCampaignsPanel())
