from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campagnes et ambassadeurs")

    def ready(self):
        from anymail.signals import tracking

        from campaigns.accounts import logins, role_changes
        from campaigns.sending.bounces import esp_event_record
        from campaigns.spreadsheets import wagtail_exports

        tracking.connect(
            lambda sender, event, esp_name, **kwargs: esp_event_record(event),
            weak=False,
            dispatch_uid="campaigns.esp_events",
        )
        logins.connect()  # the audit trail's sign-ins and role changes
        role_changes.connect()
        wagtail_exports.install()  # every CSV or XLSX of Wagtail's admin runs through the formula guard

        from campaigns.audience import personal_data
        from campaigns.engagement.personal_data import programme_erase, programme_export

        personal_data.register("programme", programme_export, programme_erase)
