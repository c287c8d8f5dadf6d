"""A long free text (10,000 characters at most), in a text area. LimeSurvey: T and U."""

from django import forms
from django.utils.translation import gettext_lazy

from surveys.types.short_text import ShortText


class LongText(ShortText):
    key = "long_text"
    label = gettext_lazy("Texte long")
    order = 120
    max_length = 10_000
    limesurvey_letters = ("T", "U")
    limesurvey_fallback_letters = ()
    settings_fields = {}

    def widget(self):
        return forms.Textarea(attrs={"rows": 6})


TYPE = LongText()
