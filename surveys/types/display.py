"""A text shown on the page, never answered. LimeSurvey: X."""

from django.utils.translation import gettext_lazy

from surveys.types.base import QuestionType


class Display(QuestionType):
    key = "display"
    label = gettext_lazy("Texte affiché (sans réponse)")
    order = 130
    answerable = False
    layout = "display"
    counted = False
    limesurvey_letters = ("X",)

    def export_columns(self, question):
        return []

    def from_limesurvey(self, planner, record, where):
        return [planner.base_question(record, where, self.key)]


TYPE = Display()
