"""What the types answered by one point among a few numbers share (yes/no, scales, NPS): one radio button
per point, stored as one Answer with the number, summarised as a distribution with its mean and median, and
crossed with segments and attributes in reports."""

from collections import defaultdict

from django import forms

from surveys.types.base import QuestionType, decimal_text, field_name
from surveys.types.summary import cell, number_pairs, weighted_mean, weighted_median


class PointsType(QuestionType):
    cross_tabs = True

    def values(self, question):
        """The numbers answered, in the order shown."""
        raise NotImplementedError

    def value_label(self, value):
        return str(int(value)) if value == int(value) else str(value)

    def field(self, question, context):
        return forms.ChoiceField(
            choices=[(str(value), str(value)) for value in self.values(question)],
            required=context.required(question),
            widget=forms.RadioSelect(attrs={"class": "scale"}),
        )

    def fields(self, question, context):
        field = self.field(question, context)
        field.label = question.text(context.locale)
        return {field_name(question): field}

    def answers(self, question, cleaned, context):
        value = cleaned.get(field_name(question))
        return [{"number": int(value)}] if value else []

    def initial(self, question, saved):
        return {field_name(question): str(int(answer.number)) for answer in saved}

    def tokens(self, question, answers):
        return {decimal_text(answer.number) for answer in answers if answer.number is not None}

    def summarise(self, result, question, tallies):
        pairs = number_pairs(tallies)
        by_value = defaultdict(int)
        for number, n in pairs:
            by_value[float(number)] += n
        result.distribution = [
            cell(self.value_label(value), value, by_value.get(value, 0), tallies.respondents)
            for value in self.values(question)
        ]
        result.mean, result.median = weighted_mean(pairs), weighted_median(pairs)
        return pairs

    def cross_tab_keys(self, question):
        return "number", [(value, self.value_label(value), str(value)) for value in self.values(question)]
