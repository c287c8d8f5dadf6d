from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Questionnaires")

    def ready(self):
        from django.urls import reverse

        from campaigns.models import Campaign
        from campaigns.tracking import destinations
        from surveys.models import Survey
        from surveys.readiness import launch_problems, survey_staff_link

        def survey_path(campaign):
            if Survey.objects.filter(campaign=campaign).exists():
                return reverse("surveys:start", args=[campaign.slug])
            return None

        destinations.register(
            "survey",
            _("Répondre au questionnaire"),
            survey_path,
            required_for=[Campaign.Kind.SURVEY, Campaign.Kind.BOTH],
            missing=_("Une campagne avec questionnaire ne se lance pas sans questionnaire : rattachez-en un."),
            problems=launch_problems,
            staff_link=survey_staff_link,
        )
        self._plugged_into_campaigns()
        self._structure_cache_dropped_on_edit()

    def _structure_cache_dropped_on_edit(self):
        from django.db.models.signals import post_delete, post_save

        from surveys.models import Choice, MatrixRow, Question, Section, Survey
        from surveys.structure import part_changed

        for model in (Survey, Section, Question, Choice, MatrixRow):
            post_save.connect(part_changed, sender=model, dispatch_uid=f"structure_{model.__name__}_saved")
            post_delete.connect(part_changed, sender=model, dispatch_uid=f"structure_{model.__name__}_deleted")

    def _plugged_into_campaigns(self):
        """What campaigns asks of the apps above it: texts missing before a launch, personal data, engagement,
        copies."""
        from campaigns.sending import checklist
        from surveys.missing_texts import survey_missing_english

        checklist.register_texts_check(survey_missing_english)

        from campaigns.audience import personal_data
        from surveys.files import files_erase
        from surveys.personal_data import survey_answers_export, survey_files_export

        personal_data.register("survey_answers", survey_answers_export)
        personal_data.register("survey_files", survey_files_export, files_erase)

        from campaigns.engagement import sources
        from surveys.engagement import surveys_answered

        sources.register("survey_answered", _("Questionnaires remplis"), surveys_answered)

        from campaigns import copies
        from surveys.copies import survey_copy

        copies.register(survey_copy)
