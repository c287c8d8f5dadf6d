"""The audience in the Wagtail admin: ambassadors (with their bulk actions), segments with their live size,
products, tags, imports, and an ambassador's personal data."""

import django_filters
from django import forms
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from campaigns.audience import staff_views as views
from campaigns.audience.opt_out import ambassadors_opt_out
from campaigns.audience.segment_forms import RuleValuesWidget, SegmentAdminForm
from campaigns.audience.segments import add_to_static_segment
from campaigns.engagement.reads import ambassador_engagement
from campaigns.models import Ambassador, Product, Segment, Tag, Tier
from campaigns.staff_admin import ConfirmedBulkAction, MenuViewSet, PeopleChooserViewSet


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


class EngagementPanel(Panel):
    """The ambassador's engagement score, tier and history (read only: the schedule computes them)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "campaigns/panels/engagement.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["engagement"] = ambassador_engagement(self.instance.pk) if self.instance.pk else None
            return context


class AmbassadorAdminForm(WagtailAdminModelForm):
    """An address's pause cleared by staff (its mailbox fixed) sets its temporary refusals in a row back to zero, so
    that the next one does not pause it again at once (``campaigns.sending.refusals``)."""

    def save(self, commit=True):
        if "email_paused_at" in self.changed_data and self.cleaned_data.get("email_paused_at") is None:
            self.instance.soft_bounce_count = 0
        return super().save(commit=commit)


class AmbassadorViewSet(SnippetViewSet):
    model = Ambassador
    chooser_viewset_class = PeopleChooserViewSet
    icon = "user"
    menu_label = _("Ambassadeurs")
    list_display = ["email", "first_name", "last_name", "region", "age_band", "locale", "opted_out_at"]
    list_per_page = 50
    search_fields = ["email", "external_id", "first_name", "last_name"]
    search_backend_name = None
    filterset_class = AmbassadorFilterSet
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("email"), FieldPanel("external_id")]),
            FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
            FieldRowPanel([FieldPanel("locale"), FieldPanel("region"), FieldPanel("age_band")]),
            FieldPanel("customer_since"),
            FieldPanel("products", widget=forms.CheckboxSelectMultiple),
            FieldPanel("tags"),
            MultiFieldPanel([FieldPanel("consent_at"), FieldPanel("opted_out_at")], heading=_("Consentement")),
            MultiFieldPanel(
                [FieldPanel("email_bounced_at"), FieldPanel("email_paused_at")],
                heading=_("Délivrabilité"),
                help_text=_(
                    "Une adresse rejetée ou suspendue ne reçoit plus d'e-mails. Effacez la date quand l'adresse est "
                    "de nouveau valide (adresse corrigée, boîte de nouveau ouverte)."
                ),
            ),
            EngagementPanel(heading=_("Engagement")),
        ],
        base_form_class=AmbassadorAdminForm,
    )


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


RULE_VALUES_HELP = _(
    "Cochez les valeurs dans la liste, ou écrivez leurs noms ou leurs codes séparés par des virgules ; "
    "pour une date : AAAA-MM-JJ ou JJ/MM/AAAA."
)


class SegmentViewSet(SnippetViewSet):
    model = Segment
    icon = "group"
    menu_label = _("Segments")
    list_display = ["name", "kind", "match", "updated_at"]
    search_fields = ["name", "description"]
    search_backend_name = None
    copy_view_enabled = True
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("match")]),
            InlinePanel(
                "rules",
                panels=[
                    FieldPanel("attribute"),
                    FieldPanel("value", widget=RuleValuesWidget, help_text=RULE_VALUES_HELP),
                ],
                label=_("condition"),
                heading=_("Conditions (pour un filtre sur les attributs)"),
            ),
            SegmentSizePanel(heading=_("Taille du segment")),
        ],
        base_form_class=SegmentAdminForm,
    )

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


class TierViewSet(SnippetViewSet):
    model = Tier
    icon = "pick"
    menu_label = _("Paliers")
    list_display = ["name_fr", "code", "threshold"]
    search_backend_name = None
    panels = [
        FieldPanel("code"),
        FieldRowPanel([FieldPanel("name_fr"), FieldPanel("name_en")]),
        FieldPanel("threshold"),
    ]


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
            path("template.csv", views.ambassador_import_template, name="template"),
            path("columns/", views.ambassador_import_columns, name="columns"),
            path("<int:pk>/rejected.<str:kind>", views.ambassador_import_rejected, name="rejected"),
        ]


class AudienceGroup(SnippetViewSetGroup):
    menu_label = _("Ambassadeurs")
    menu_icon = "group"
    menu_order = 200
    submenu_hook = "register_audience_menu_item"
    items = (AmbassadorViewSet, SegmentViewSet, ProductViewSet, TagViewSet, TierViewSet)


class AmbassadorDataViewSet(ViewSet):
    """An ambassador's personal data: handed over as a file, or erased."""

    name = "ambassador_data"
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("<int:pk>/export/", views.ambassador_data_export, name="export"),
            path("<int:pk>/erase/", views.ambassador_data_erase, name="erase"),
        ]


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
