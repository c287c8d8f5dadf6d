from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.models import Category, Idea


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Votre idée en une phrase"), max_length=140, min_length=5)
    body = forms.CharField(
        label=_("Expliquez-la"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = forms.ModelChoiceField(
        label=_("Catégorie"), queryset=Category.objects.none(), required=False, empty_label=_("Aucune")
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = board.categories.all()
        if not board.categories.exists():
            del self.fields["category"]


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Votre commentaire"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("Pourquoi ce contenu pose-t-il problème ?"), max_length=500, required=False)


class FilterForm(forms.Form):
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[("top", _("Les plus soutenues")), ("trending", _("Tendances")), ("newest", _("Les plus récentes"))],
    )
    category = forms.SlugField(required=False)
    status = forms.ChoiceField(label=_("Statut"), required=False, choices=[("", _("Tous"))] + Idea.Status.choices)
    q = forms.CharField(label=_("Rechercher"), max_length=100, required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)


class ContributorForm(forms.Form):
    display_name = forms.CharField(
        label=_("Nom affiché sur les idées"),
        max_length=60,
        required=False,
        help_text=_("Vide : votre prénom et l'initiale de votre nom."),
    )
    hide_from_leaderboards = forms.BooleanField(label=_("Ne pas figurer dans les classements"), required=False)
