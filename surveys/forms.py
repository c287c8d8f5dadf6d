from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from surveys.limesurvey import MAX_FILE_BYTES

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
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse %(size)s Mo : un export LimeSurvey est bien plus petit.")
                % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload
