from decimal import Decimal
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from campaigns.models import Campaign
from surveys.limesurvey import max_file_bytes
from surveys.logic.words import check_question_form, check_survey_form
from surveys.types import kind_choices, question_type, settings_fields
from surveys.types.base import decimal_text

LIMESURVEY_SUFFIXES = {".lss", ".xml"}


class LimeSurveyImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier LimeSurvey (.lss)"),
        help_text=_("Dans LimeSurvey : Liste des questionnaires, Exporter, « Structure du questionnaire (.lss) »."),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campagne"),
        required=False,
        queryset=Campaign.objects.none(),
        help_text=_(
            "Facultatif : une campagne de type questionnaire qui n'en a pas encore. Sans campagne, le "
            "questionnaire est créé seul, prêt à être rattaché."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.filter(
            kind__in=[Campaign.Kind.SURVEY, Campaign.Kind.BOTH], survey__isnull=True
        ).order_by("title")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in LIMESURVEY_SUFFIXES:
            raise forms.ValidationError(
                _("Extension %(suffix)s non prise en charge : envoyez l'export .lss d'un questionnaire LimeSurvey.")
                % {"suffix": suffix or "—"}
            )
        if upload.size > max_file_bytes():
            raise forms.ValidationError(
                _("Le fichier dépasse %(size)s Mo (LIMESURVEY_MAX_FILE_MB) : un export LimeSurvey est bien plus petit.")
                % {"size": settings.LIMESURVEY_MAX_FILE_MB}
            )
        return upload


class QuestionSettingsForm(WagtailAdminModelForm):
    """The admin form of a question: its model fields, and the settings of the types (``settings_<name>``),
    kept in ``Question.settings`` for the question's type only. The type checks them (``Question.clean``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in settings_fields():
            if f"settings_{name}" in self.fields and name in (self.instance.settings or {}):
                self.initial.setdefault(f"settings_{name}", self.instance.settings[name])

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in dict(kind_choices()):
            self.instance.settings = {
                name: settings_value(cleaned[f"settings_{name}"])
                for name in question_type(kind).settings_fields
                if cleaned.get(f"settings_{name}") not in (None, "") and cleaned[f"settings_{name}"] is not False
            }
        check_question_form(self, cleaned)
        return cleaned


class SurveyForm(WagtailAdminModelForm):
    """The admin form of a survey: the conditions of its pages are checked against its questions."""

    def clean(self):
        cleaned = super().clean()
        check_survey_form(self)
        return cleaned


def settings_value(value):
    """A setting as JSON keeps it: a decimal as its text ("12.5")."""
    return decimal_text(value) if isinstance(value, Decimal) else value


QuestionForm = type(QuestionSettingsForm)(
    "QuestionForm",
    (QuestionSettingsForm,),
    {"__module__": __name__, **{f"settings_{name}": factory() for name, factory in settings_fields().items()}},
)
