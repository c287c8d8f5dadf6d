from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Rapports")

    def ready(self):
        from campaigns.audience import personal_data
        from reports.export_files import exports_erase

        personal_data.register("report_exports", None, exports_erase)

        from reports.listening.arrivals import arrivals_connect

        arrivals_connect()
