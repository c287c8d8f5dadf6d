"""A short free text (500 characters at most), matching the question's ``pattern`` when it has one
(``surveys.types.validation``). Stored as one Answer with the text, trimmed. Reports: the
latest texts. LimeSurvey: S, and Q (multiple short texts) as one question per subquestion when no type takes
Q whole."""

from django import forms
from django.utils.translation import gettext_lazy

from surveys.types.base import QuestionType, field_name
from surveys.types.validation import PATTERN_SETTINGS, pattern_check


class ShortText(QuestionType):
    key = "short_text"
    label = gettext_lazy("Texte court")
    order = 110
    layout = "single"
    counted = False
    max_length = 500
    limesurvey_letters = ("S",)
    limesurvey_fallback_letters = ("Q",)
    settings_fields = PATTERN_SETTINGS

    def widget(self):
        return forms.TextInput

    def fields(self, question, context):
        field = forms.CharField(
            required=context.required(question),
            max_length=self.max_length,
            label=question.text(context.locale),
            widget=self.widget(),
        )
        return {field_name(question): field}

    def check(self, question, cleaned, context):
        problem = pattern_check(question, (cleaned.get(field_name(question)) or "").strip())
        return [(field_name(question), problem)] if problem else []

    def answers(self, question, cleaned, context):
        text = cleaned.get(field_name(question), "").strip()
        return [{"text": text}] if text else []

    def initial(self, question, saved):
        return {field_name(question): answer.text for answer in saved}

    def keeps_texts(self, question):
        return True

    def from_limesurvey(self, planner, record, where):
        if record["type"] == "Q":
            return planner.per_subquestion(record, where, self.key)
        return [planner.base_question(record, where, self.key)]


TYPE = ShortText()
