"""Campaigns in the Wagtail admin: the campaign form (texts, email, reminders), invitations (withdrawn in bulk),
a campaign's follow-up views, the outbox, and the live campaigns on the admin's home."""

from django import forms
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from campaigns.forms import CampaignAdminForm
from campaigns.models import Campaign, Invitation
from campaigns.privacy.funnel import progress_as_seen
from campaigns.sending import staff_views as views
from campaigns.sending.launch import invitations_withdraw
from campaigns.sending.outbox import READ_PERMISSION
from campaigns.sending.progress import live_campaigns_progress
from campaigns.staff_admin import ConfirmedBulkAction, DestinationsPanel, MenuViewSet, PeopleChooserViewSet

SUBJECT_TEST_HELP = _(
    "Facultatif : de 2 à 4 objets pour l'e-mail d'invitation (ils remplacent son objet). Un échantillon tiré au "
    "hasard les reçoit à parts égales ; après le délai choisi, l'objet qui fait significativement mieux (test de "
    "deux proportions, seuil de 5 %) part au reste de l'audience, sinon le premier objet."
)
EMAIL_HELP = _("Variables : {prenom}, {campagne}, {lien} (le lien personnel), {date_cloture}.")


SEND_WINDOW_HELP = _(
    "Heures (de Paris) et jours où les e-mails de la campagne partent ; en dehors, ils attendent. "
    "Vide : la fenêtre du site (par défaut 8 h – 20 h, en semaine)."
)


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
                    FieldRowPanel([FieldPanel("summary_fr"), FieldPanel("summary_en")]),
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("owner")]),
                    DestinationsPanel(),
                    FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                    FieldPanel("segments", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("reserved_tiers", widget=forms.CheckboxSelectMultiple),
                    FieldRowPanel(
                        [FieldPanel("send_from"), FieldPanel("send_until"), FieldPanel("send_weekends")],
                        heading=_("Fenêtre d'envoi"),
                        help_text=SEND_WINDOW_HELP,
                    ),
                ],
                heading=_("Campagne"),
            ),
            ObjectList(
                [
                    FieldPanel("reply_to"),
                    FieldPanel("test_recipients"),
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
            ObjectList(
                [
                    InlinePanel(
                        "subject_variants",
                        label=_("objet"),
                        heading=_("Objets comparés"),
                        help_text=SUBJECT_TEST_HELP,
                        max_num=4,
                    ),
                    FieldRowPanel(
                        [FieldPanel("ab_metric"), FieldPanel("ab_sample_percent"), FieldPanel("ab_decide_after")]
                    ),
                ],
                heading=_("Test d'objets"),
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
            path("<int:pk>/checklist/", views.campaign_checklist, name="checklist"),
            path("<int:pk>/<str:action>/", views.campaign_action, name="action"),
        ]


class OutboxViewSet(MenuViewSet):
    """The local outbox. Its menu item is for who may read it (no query on every admin page); an account with
    staff mail waiting there and no such role opens it at its address all the same."""

    name = "outbox"
    icon = "mail"
    menu_label = _("Boîte d'envoi")
    menu_hook = "register_campaigns_menu_item"
    menu_permissions = (READ_PERMISSION,)

    def get_urlpatterns(self):
        return [path("", views.outbox_index, name="index"), path("<int:pk>/", views.outbox_message, name="detail")]


class CampaignsGroup(SnippetViewSetGroup):
    menu_label = _("Campagnes")
    menu_icon = "mail"
    menu_order = 100
    submenu_hook = "register_campaigns_menu_item"
    items = (CampaignViewSet, InvitationViewSet)


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


class LiveCampaignsPanel(Component):
    """On the admin home, for the product team: the live campaigns and how their invitations fare (through the
    privacy layer for those who may not read ambassadors' identities)."""

    name = "live_campaigns"
    order = 50
    template_name = "campaigns/admin/live_campaigns_panel.html"

    def get_context_data(self, parent_context=None):
        request = (parent_context or {}).get("request")
        user = request.user if request is not None else None
        return {"rows": [(campaign, progress_as_seen(row, user)) for campaign, row in live_campaigns_progress()]}
