from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminModelForm

from campaigns.audience.imports.columns import FIELDS, SKIP
from campaigns.audience.imports.limits import ImportFileError, size_check
from campaigns.models import Segment

IMPORT_SUFFIXES = {".csv", ".txt", ".xlsx", ".xlsm"}


class AmbassadorImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "CSV (séparateur ; ou ,, encodé en UTF-8, Windows-1252 ou UTF-16) ou classeur Excel XLSX ; la première "
            "ligne nomme les colonnes."
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
    choose_columns = forms.BooleanField(
        label=_("Choisir la correspondance des colonnes"),
        required=False,
        help_text=_(
            "L'étape de correspondance s'ouvre d'elle-même quand les en-têtes du fichier ne sont pas reconnus ; "
            "cochez pour la voir dans tous les cas."
        ),
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


class ColumnMappingForm(forms.Form):
    """The mapping step of an import: for each column of the file (``suggestions``: letter, header, suggested
    field), the field it fills or none; each field once at most, the email address required."""

    def __init__(self, suggestions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(SKIP, _("— ne pas importer —")), *FIELDS.items()]
        self.letters = {}
        for letter, header, field in suggestions:
            name = f"column_{letter}"
            self.letters[name] = letter
            label = _("Colonne %(letter)s « %(header)s »") % {"letter": letter, "header": header or "—"}
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, initial=field, required=False)

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(name) for name in self.letters if cleaned.get(name)]
        repeated = sorted({str(FIELDS[field]) for field in chosen if chosen.count(field) > 1})
        if repeated:
            raise forms.ValidationError(
                _("Chaque champ ne reçoit qu'une colonne : %(fields)s en reçoit plusieurs.")
                % {"fields": ", ".join(repeated)}
            )
        if "email" not in chosen:
            raise forms.ValidationError(_("Choisissez la colonne qui porte l'adresse e-mail."))
        return cleaned

    def columns(self):
        """{column letter: field or ""} as ``import_ambassadors`` takes it."""
        return {letter: self.cleaned_data.get(name) or SKIP for name, letter in self.letters.items()}


class CampaignAdminForm(WagtailAdminModelForm):
    """Keeps the audience and the subject test of a launched campaign as they are; a subject test has two to four
    subjects."""

    LOCKED = ("segments", "ab_metric", "ab_sample_percent", "ab_decide_after")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.audience_locked:
            for name in self.LOCKED:
                if name in self.fields:
                    self.fields[name].disabled = True
            if "segments" in self.fields:
                self.fields["segments"].help_text = _("La campagne est lancée : son public ne change plus.")

    def clean(self):
        cleaned = super().clean()
        self._check_window(cleaned)
        self._check_subject_variants()
        return cleaned

    def _check_subject_variants(self):
        variants = self.formsets.get("subject_variants")
        if variants is None:
            return
        if self.instance.pk and self.instance.audience_locked and variants.has_changed():
            self.add_error(None, _("La campagne est lancée : les objets de son test ne changent plus."))
        elif variants.is_valid():
            kept = [form for form in variants.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
            if len(kept) == 1:
                self.add_error(None, _("Un test d'objets compare au moins deux objets : ajoutez-en un ou retirez-le."))

    def _check_window(self, cleaned):
        if "send_from" in self.fields and (cleaned.get("send_from") is None) != (cleaned.get("send_until") is None):
            self.add_error(
                "send_until" if cleaned.get("send_until") is None else "send_from",
                _("Indiquez le début et la fin de la fenêtre d'envoi, ou aucun des deux."),
            )


class TestSendForm(forms.Form):
    locale = forms.ChoiceField(label=_("Langue"), choices=[("fr", _("Français")), ("en", _("Anglais"))])
    to_list = forms.BooleanField(
        label=_("Aussi aux destinataires de test de la campagne"),
        required=False,
        initial=True,
        help_text=_("La liste se règle dans la campagne, onglet « E-mail d'invitation »."),
    )


class LaunchConfirmForm(forms.Form):
    """Launching asks the number of people who will be emailed, typed back: no one launches by a stray click."""

    people = forms.IntegerField(label=_("Nombre de personnes à inviter"), min_value=0)

    def __init__(self, *args, expected, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.fields["people"].help_text = _("Recopiez le nombre affiché ci-dessus : %(count)s.") % {"count": expected}

    def clean_people(self):
        people = self.cleaned_data["people"]
        if people != self.expected:
            raise forms.ValidationError(
                ngettext(
                    "Le nombre ne correspond pas : %(count)s personne recevra l'invitation.",
                    "Le nombre ne correspond pas : %(count)s personnes recevront l'invitation.",
                    self.expected,
                )
                % {"count": self.expected}
            )
        return people
