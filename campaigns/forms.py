from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from campaigns.audience.imports.limits import ImportFileError, size_check
from campaigns.models import Segment

IMPORT_SUFFIXES = {".csv", ".txt", ".xlsx", ".xlsm"}


class AmbassadorImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "CSV (séparateur ; ou ,, encodé en UTF-8) ou classeur Excel XLSX ; la première ligne nomme les colonnes."
        ),
    )
    update_existing = forms.BooleanField(
        label=_("Mettre à jour les ambassadeurs existants"),
        required=False,
        help_text=_("Une cellule remplie remplace la valeur enregistrée ; une cellule vide la laisse telle quelle."),
    )
    keep_valid = forms.BooleanField(
        label=_("Garder les lignes valides si certaines sont rejetées"),
        required=False,
        help_text=_("Sinon, une seule ligne rejetée et rien n'est enregistré."),
    )
    dry_run = forms.BooleanField(label=_("Simulation : vérifier sans rien enregistrer"), required=False)
    segment = forms.ModelChoiceField(
        label=_("Ajouter à la liste fixe"),
        required=False,
        queryset=Segment.objects.filter(kind=Segment.Kind.STATIC),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in IMPORT_SUFFIXES:
            raise forms.ValidationError(
                _("Extension %(suffix)s non prise en charge : envoyez un fichier .csv ou .xlsx.")
                % {"suffix": suffix or "—"}
            )
        try:
            size_check(upload.size, upload.name)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class CampaignAdminForm(WagtailAdminModelForm):
    """Keeps the audience of a launched campaign as it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.audience_locked and "segments" in self.fields:
            self.fields["segments"].disabled = True
            self.fields["segments"].help_text = _("La campagne est lancée : son public ne change plus.")


class TestSendForm(forms.Form):
    locale = forms.ChoiceField(label=_("Langue"), choices=[("fr", _("Français")), ("en", _("Anglais"))])
