"""Reports in the Wagtail admin: the "Rapports" menu item (for those who may read reports) and a "Rapport"
button on each campaign of the campaigns listing."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton

from campaigns.models import Campaign
from campaigns.staff_admin import MenuViewSet
from reports import admin_views as views


class ReportsViewSet(MenuViewSet):
    name = "reports"
    url_prefix = "campaign-reports"  # Wagtail's own reports live under /admin/reports/
    icon = "table"
    menu_label = _("Rapports de campagne")  # beside Wagtail's own "Rapports" menu
    menu_order = 400
    menu_permissions = (views.VIEW,)

    def get_urlpatterns(self):
        return [
            path("", views.report_index, name="index"),
            path("engagement/", views.engagement_report_view, name="engagement"),
            path("<int:pk>/", views.campaign_report_view, name="campaign"),
            path("<int:pk>/charts/<slug:name>.png", views.chart_png, name="chart"),
            path("<int:pk>/charts/question/<int:question_pk>.png", views.question_chart_png, name="question_chart"),
            path("<int:pk>/csv/<str:table>.csv", views.csv_download, name="csv"),
            path("<int:pk>/export/", views.export_create, name="export_create"),
            path("exports/<int:job_pk>/", views.export_detail, name="export"),
            path("exports/<int:job_pk>/download/", views.export_download, name="download"),
        ]


@hooks.register("register_admin_viewset")
def register_reports_viewset():
    return ReportsViewSet()


@hooks.register("register_snippet_listing_buttons")
def campaign_report_button(snippet, user, next_url=None):
    if isinstance(snippet, Campaign) and user.has_perm(views.VIEW):
        yield ListingButton(_("Rapport"), reverse("reports:campaign", args=[snippet.pk]), icon_name="table", priority=6)
