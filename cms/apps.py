from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Pages")

    def ready(self):
        from campaigns.tracking import destinations
        from cms.models import campaign_page_path

        destinations.register_page(campaign_page_path)

        from campaigns import copies
        from cms.copies import pages_copy

        copies.register(pages_copy)
