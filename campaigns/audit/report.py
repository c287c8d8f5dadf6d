"""The audit trail in the admin, for superusers alone: *Rapports → Journal d'audit*, filtered by action, account,
date and address, exported as CSV or XLSX (Wagtail's report view) with no text a spreadsheet would run as a
formula (``campaigns.spreadsheets.wagtail_exports`` guards every export of Wagtail's views). Wagtail's site
history shows the same entries to superusers (``AuditEntry.objects.viewable_by_user``)."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.history import HistoryFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.base import ViewSet

from campaigns.audit.trail import LABELS, action_choices
from campaigns.models import AuditEntry


class AuditFilterSet(HistoryFilterSet):
    address = django_filters.CharFilter(label=_("Adresse"), lookup_expr="startswith")

    def get_action_choices(self):
        return action_choices()

    class Meta:
        model = AuditEntry
        fields = []


class AuditReportView(ReportView):
    page_title = _("Journal d'audit")
    header_icon = "history"
    results_template_name = "campaigns/admin/audit_results.html"
    filterset_class = AuditFilterSet
    index_url_name = "audit:index"
    index_results_url_name = "audit:results"
    list_export = [
        "timestamp",
        "user_display_name",
        "action",
        "label",
        "content_type",
        "object_id",
        "address",
        "details",
    ]
    export_headings = {
        "timestamp": _("Date et heure (UTC)"),
        "user_display_name": _("Par"),
        "action": _("Action"),
        "label": _("Élément"),
        "content_type": _("Type"),
        "object_id": _("N°"),
        "address": _("Adresse"),
        "details": _("Détails"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_superuser):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return AuditEntry.objects.viewable_by_user(self.request.user).select_related("user", "content_type")

    def get_filename(self):
        return f"journal-audit-{timezone.localdate():%Y-%m-%d}"

    def preprocess_field_value(self, field, value, export_format):
        if field == "action":
            return str(LABELS.get(value, value))
        if field == "content_type":
            return str(value.model_class()._meta.verbose_name) if value and value.model_class() else ""
        return super().preprocess_field_value(field, value, export_format)


class AuditViewSet(ViewSet):
    name = "audit"
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("", AuditReportView.as_view(), name="index"),
            path("results/", AuditReportView.as_view(results_only=True), name="results"),
        ]


class AuditMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


def audit_menu_item():
    return AuditMenuItem(_("Journal d'audit"), reverse("audit:index"), name="audit", icon_name="history", order=1100)
