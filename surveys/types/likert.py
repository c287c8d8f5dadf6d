"""Likert scale: a single choice among points in a fixed order (never shuffled, no "other"). Stored as one
Answer with the choice and its point (1 for the first). Reports: distribution, mean, median, top two box."""

from django import forms
from django.utils.translation import gettext_lazy

from surveys.types.single import SingleChoice
from surveys.types.summary import top_two_box, weighted_mean, weighted_median


class Likert(SingleChoice):
    key = "likert"
    label = gettext_lazy("Échelle de Likert")
    order = 50
    has_other = False
    shuffles = False
    limesurvey_letters = ()

    def single_input(self, question):
        return False

    def main_field(self, question, context):  # a scale is shown whole, never as a drop-down list
        return forms.ChoiceField(
            choices=self.options(question, context), required=context.required(question), widget=self.widget
        )

    def point(self, question, choice):
        return next(index for index, each in enumerate(question.choices.all(), start=1) if each.pk == choice.pk)

    def summarise(self, result, question, tallies):
        by_choice = super().summarise(result, question, tallies)
        points = {choice.pk: position for position, choice in enumerate(question.choices.all(), start=1)}
        pairs = [(points[choice], n) for choice, n in by_choice.items() if choice in points]
        result.mean, result.median = weighted_mean(pairs), weighted_median(pairs)
        result.top_two_box = top_two_box(pairs, len(points))

    def keeps_texts(self, question):
        return False


TYPE = Likert()
