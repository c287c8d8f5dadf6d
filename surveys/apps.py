from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Questionnaires")

    def ready(self):
        from django.urls import reverse

        from campaigns import destinations
        from surveys.models import Survey

        def survey_path(campaign):
            if Survey.objects.filter(campaign=campaign).exists():
                return reverse("surveys:start", args=[campaign.slug])
            return None

        destinations.register("survey", _("Répondre au questionnaire"), survey_path)
