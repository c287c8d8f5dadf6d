"""The summary: the report's figures as rows of plain values (title, funnel, rates and their definitions,
breakdowns by segment, attribute and day, survey results, ideas), suppressed figures shown as such."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import rates
from reports.exports.sources import local, suppressed_label
from surveys.types.base import plain_number

FUNNEL_RATES = [
    "open_rate",
    "human_open_rate",
    "click_rate",
    "human_click_rate",
    "response_rate",
    "opt_out_rate",
    "bounce_rate",
]


def _figure(value):
    return suppressed_label() if value is None else value


def _percent(value):
    return suppressed_label() if value is None else round(100 * value, 1)


def _funnel_table(title, funnel_rows):
    yield [title]
    yield (
        [_("Groupe")]
        + [str(rates.STEP_LABELS[key]) for key in rates.STEP_KEYS]
        + [f"{rates.RATE_BY_KEY[key].label} (%)" for key in FUNNEL_RATES]
    )
    for row in funnel_rows:
        yield (
            [row.label]
            + [_figure(row.counts[key]) for key in rates.STEP_KEYS]
            + [_percent(row.rates[key]) for key in FUNNEL_RATES]
        )
    yield []


def _heading_rows(campaign):
    yield [_("Rapport de la campagne « %(title)s »") % {"title": campaign.title}]
    yield [_("État"), str(campaign.get_status_display()), _("Établi le"), local(timezone.now())]
    yield [
        _("Seuil de confidentialité"),
        _("Aucun chiffre n'est donné pour un groupe de moins de %(k)s ambassadeurs.")
        % {"k": settings.PRIVACY_THRESHOLD},
    ]
    yield []


def _funnel_rows(report):
    yield [_("Entonnoir")]
    yield [_("Étape"), _("Nombre"), _("Définition")]
    for key, label, text, _condition in rates.STEPS:
        yield [str(label), _figure(report.funnel.counts[key]), str(text)]
    yield []
    yield [_("Taux")]
    yield [_("Taux"), _("Valeur (%)"), _("Repère (%)"), _("Définition")]
    for rate in rates.RATES:
        yield [
            str(rate.label),
            _percent(report.funnel.rates[rate.key]),
            round(100 * rate.reference) if rate.reference else None,
            str(rate.definition),
        ]
    yield []
    yield [_("Brut, machines et humains estimés")]
    yield [_("Mesure"), _("Brut"), _("Machines"), _("Humains estimés"), _("Méthode")]
    for item, raw, machine, human in report.engagement:
        yield [str(item.label), _figure(raw), _figure(machine), _figure(human), str(item.method)]
    yield []


def _subject_test_rows(test):
    yield [_("Test d'objets")]
    yield [str(test.decision)]
    yield [_("Échantillon (%)"), test.sample_percent, _("Critère"), test.metric]
    yield [
        _("Objet"),
        _("Texte"),
        _("Invités"),
        _("Distribués"),
        _("Ouverts (humains estimés)"),
        _("Ont cliqué (humains estimés)"),
        _("Taux d'ouverture humaine estimé (%)"),
        _("Taux de clic humain estimé (%)"),
        _("Gagnant"),
    ]
    for row in [*test.variants, *([test.rest] if test.rest else [])]:
        yield [
            row.label,
            row.subject,
            _figure(row.invited),
            _figure(row.sent),
            _figure(row.opened),
            _figure(row.clicked),
            _percent(row.open_rate) if row.sent != 0 else "",
            _percent(row.click_rate) if row.sent != 0 else "",
            _("oui") if row.is_winner else "",
        ]
    p_value = suppressed_label() if test.p_withheld else test.p_value
    yield [_("Valeur p (bilatérale, Bonferroni au-delà de deux objets)"), "" if p_value is None else p_value]
    yield []


def _breakdown_rows(report):
    yield from _funnel_table(_("Par segment"), report.by_segment)
    yield from _funnel_table(_("Par région"), report.by_region)
    yield from _funnel_table(_("Par tranche d'âge"), report.by_age_band)
    yield [_("Par jour")]
    yield [_("Jour")] + [str(rates.STEP_LABELS[key]) for key, _stamp in rates.DAILY]
    for day in report.days:
        yield [day["day"]] + [_figure(day[key]) for key, _stamp in rates.DAILY]
    yield []


def _idea_rows(report):
    yield [_("Idées les plus soutenues")]
    yield [_("Idée"), _("Titre"), _("Statut"), _("Votes"), _("Commentaires"), _("Catégorie")]
    for idea in report.ideas:
        yield [idea["id"], idea["title"], idea["status_label"], idea["votes"], idea["comments"], idea["category"]]
    yield []
    yield [_("Idées par statut")]
    for line in report.ideas_by_status:
        yield [line["label"], line["ideas"]]
    yield []
    yield [_("Votes par jour")]
    for line in report.votes_by_day:
        yield [line["day"], _figure(line["votes"])]
    yield []
    yield [_("Meilleurs contributeurs")]
    for line in report.contributors:
        yield [line["name"], line["score"]]
    yield []


def summary_rows(report):
    """The summary as rows of plain values: title, funnel, rates and their definitions, breakdowns by segment,
    attribute and day, survey results, ideas."""
    yield from _heading_rows(report.campaign)
    yield from _funnel_rows(report)
    if report.subject_test is not None:
        yield from _subject_test_rows(report.subject_test)
    yield from _breakdown_rows(report)
    if report.survey is not None:
        yield [_("Questionnaire « %(title)s »") % {"title": report.survey.title_fr}]
        yield []
        for result in report.questions:
            yield from _question_rows(result)
    if report.has_board:
        yield from _idea_rows(report)


# --- one question's results ----------------------------------------------------------------------------------


def _statistics_rows(result):
    if result.distribution:
        yield [_("Réponse"), _("Nombre"), _("Part (%)")]
        for cell in result.distribution:
            yield [cell.label, _figure(cell.count), _percent(cell.share)]
    for label, value in (
        (_("Moyenne"), result.mean),
        (_("Médiane"), result.median),
        (_("Minimum"), result.low),
        (_("Maximum"), result.high),
    ):
        if value is not None:
            yield [label, _number(value)]
    if result.top_two_box is not None:
        yield [_("Deux meilleures notes (%)"), _percent(result.top_two_box)]


def _nps_rows(nps):
    yield [_("Promoteurs (9-10)"), _figure(nps["promoters"]), _percent(nps["promoters_share"])]
    yield [_("Passifs (7-8)"), _figure(nps["passives"]), _percent(nps["passives_share"])]
    yield [_("Détracteurs (0-6)"), _figure(nps["detractors"]), _percent(nps["detractors_share"])]
    yield [_("Score NPS"), "" if nps["score"] is None else nps["score"]]


def _matrix_rows(result):
    yield [_("Ligne"), _("Répondants")] + list(result.matrix_columns) + [_("Moyenne")]
    for line in result.matrix:
        yield (
            [line["label"], _figure(line["respondents"])]
            + [_figure(cell.count) for cell in line["cells"]]
            + [round(line["mean"], 2) if line["mean"] is not None else ""]
        )


def _ranking_rows(result):
    yield [_("Choix"), _("Position moyenne"), _("Classé"), _("Classé premier")]
    for line in result.ranking:
        yield [
            line["label"],
            round(line["average"], 2) if line["average"] is not None else suppressed_label(),
            _figure(line["ranked"]),
            _figure(line["first"]),
        ]


def _number(value):
    return round(value, 2) if isinstance(value, float) else plain_number(value)


def _own_table_rows(table):
    """A table a question type drew itself: a cell of None is withheld, "" has no answer."""
    yield [""] + list(table["columns"])
    for line in table["rows"]:
        yield [line["label"]] + [suppressed_label() if cell is None else _number(cell) for cell in line["cells"]]


def _question_rows(result):
    question = result.question
    yield [f"{question.code} — {question.text_fr}", str(question.get_kind_display())]
    if result.suppressed:
        yield [_("Répondants"), suppressed_label()]
        yield []
        return
    yield [_("Répondants"), result.respondents]
    yield from _statistics_rows(result)
    if result.nps:
        yield from _nps_rows(result.nps)
    if result.matrix:
        yield from _matrix_rows(result)
    if result.ranking:
        yield from _ranking_rows(result)
    if result.table:
        yield from _own_table_rows(result.table)
    for label, value in result.figures:
        yield [label, suppressed_label() if value is None else _number(value)]
    if result.texts:
        yield [_("Réponses libres (les plus récentes)"), result.text_count]
        for text in result.texts:
            yield ["", text]
    yield []
