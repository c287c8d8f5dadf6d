"""A rating on a scale of 2 to 11 points (1 to ``points``), with labels at both ends. Stored as one Answer
with the number. Reports: distribution, mean, median, lowest and highest, top two box. LimeSurvey: 5."""

from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.types.points import PointsType
from surveys.types.summary import top_two_box


class Scale(PointsType):
    key = "scale"
    label = gettext_lazy("Note sur une échelle")
    order = 40
    limesurvey_letters = ("5",)

    def values(self, question):
        return list(range(1, (question.points or 5) + 1))

    def clean(self, question):
        errors = super().clean(question)
        if not question.points:
            errors["points"] = _("Une note sur une échelle a un nombre de points (de 2 à 11).")
        return errors

    def before(self, question):
        labels = format_html(
            '<div class="scale-labels" aria-hidden="true"><span>{}</span><span>{}</span></div>',
            question.low_label(),
            question.high_label(),
        )
        if not question.low_label():
            return labels
        spoken = _("1 : %(low)s ; %(points)s : %(high)s") % {
            "low": question.low_label(),
            "high": question.high_label(),
            "points": question.points,
        }
        return labels + format_html('<p class="visually-hidden">{}</p>', spoken)

    def summarise(self, result, question, tallies):
        pairs = super().summarise(result, question, tallies)
        if pairs:
            result.low, result.high = min(number for number, _n in pairs), max(number for number, _n in pairs)
        result.top_two_box = top_two_box([(float(number), n) for number, n in pairs], question.points)
        return pairs

    def from_limesurvey(self, planner, record, where):
        question = planner.base_question(record, where, self.key)
        question.points = 5
        return [question]


TYPE = Scale()
