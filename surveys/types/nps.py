"""Net Promoter Score: how likely, from 0 to 10, to recommend. Stored as one Answer with the number. Reports:
distribution, mean, median, promoters, passives, detractors and the score."""

from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.types.points import PointsType
from surveys.types.summary import nps_figures


class Nps(PointsType):
    key = "nps"
    label = gettext_lazy("Recommandation (NPS, 0 à 10)")
    order = 60

    def values(self, question):
        return list(range(11))

    def before(self, question):
        return format_html(
            '<div class="scale-labels" aria-hidden="true"><span>{}</span><span>{}</span></div>'
            '<p class="visually-hidden">{}</p>',
            _("Pas du tout probable"),
            _("Très probable"),
            _("0 : pas du tout probable ; 10 : très probable"),
        )

    def summarise(self, result, question, tallies):
        pairs = super().summarise(result, question, tallies)
        if pairs:
            result.low, result.high = min(number for number, _n in pairs), max(number for number, _n in pairs)
        result.nps = nps_figures([(float(number), n) for number, n in pairs], tallies.respondents)
        return pairs


TYPE = Nps()
