"""Survey results per question, and cross-tabulations of a question by segment or ambassador attribute.

Only submitted responses count. The whole survey's figures come from a handful of ``GROUP BY`` queries
whatever the number of responses: respondents per question (and matrix row), answer counts per question,
choice, row and number, date ranges; then one small query per free-text question for its latest texts.

Privacy (``campaigns.privacy``): a question answered by fewer than ``PRIVACY_THRESHOLD`` ambassadors shows
nothing (its result is ``suppressed``); any count of ambassadors smaller than that (one answer of a
distribution, a matrix cell, a cross-tab cell, a matrix row, a cross-tab column) is None, and so is its share,
and so are the cells that would give it back by subtraction (``reports.survey_privacy``). Statistics (mean,
median, NPS score, top-two-box, minimum, maximum) are shown only when they give no withheld cell back.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.utils.translation import gettext as _

from campaigns.audience.segments import saved_segment_condition
from campaigns.models import AgeBand, Ambassador, Region
from campaigns.privacy import is_shown, shown
from reports import survey_privacy
from reports.listening.scrub import scrub
from surveys.models import Answer, Question
from surveys.types import all_types, kinds_where, question_type
from surveys.types.summary import Cell, Tallies, nps_figures, share, top_two_box, weighted_mean, weighted_median

__all__ = [
    "CROSS_TAB_KINDS",
    "TEXT_LIMIT",
    "Cell",
    "CrossTab",
    "QuestionResult",
    "cross_tab",
    "cross_tab_dimensions",
    "nps_figures",
    "submitted",
    "survey_results",
    "top_two_box",
    "weighted_mean",
    "weighted_median",
]

CROSS_TAB_KINDS = kinds_where("cross_tabs")
TEXT_LIMIT = 50


def submitted(survey):
    return Answer.objects.filter(question__survey=survey, response__submitted_at__isnull=False)


@dataclass
class QuestionResult:
    """The figures of one question, filled by its type (``surveys.types``): a distribution, statistics, a
    matrix, a ranking, texts, or ``figures`` [(label, value)] and a ``table`` of its own."""

    question: Question
    respondents: int | None
    suppressed: bool = False
    distribution: list = field(default_factory=list)
    mean: float | None = None
    median: float | None = None
    low: object = None
    high: object = None
    nps: dict | None = None
    top_two_box: float | None = None
    matrix: list | None = None  # [{"label", "respondents", "cells": [Cell], "mean"}]
    matrix_columns: list | None = None
    ranking: list | None = None  # [{"label", "code", "average", "ranked", "first"}]
    figures: list = field(default_factory=list)  # [(label, value or None when suppressed)]
    table: dict | None = None  # {"columns": [label], "rows": [{"label", "code", "cells": [value or None]}]}
    texts: list = field(default_factory=list)
    text_count: int = 0

    @property
    def kind(self):
        return self.question.kind


def _tallies(answers):
    """{question id: Tallies} of the submitted ``answers``, in four GROUP BY queries."""
    tallies = defaultdict(lambda: Tallies(respondents=0))
    for question_id, n in answers.values_list("question_id").annotate(n=Count("response_id", distinct=True)).order_by():
        tallies[question_id].respondents = n
    for question_id, row_id, n in (
        answers.filter(row__isnull=False)
        .values_list("question_id", "row_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    ):
        tallies[question_id].row_respondents[row_id] = n
    uncounted = [declared.key for declared in all_types() if not declared.counted]
    for question_id, row_id, choice_id, number, n in (
        answers.exclude(question__kind__in=uncounted)
        .values_list("question_id", "row_id", "choice_id", "number")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        tallies[question_id].counts.append((row_id, choice_id, number, n))
    for row in (
        answers.filter(date__isnull=False).values("question_id").annotate(low=Min("date"), high=Max("date")).order_by()
    ):
        tallies[row["question_id"]].dates = row
    return tallies


AUTHOR_NAMES = ("response__invitation__ambassador__first_name", "response__invitation__ambassador__last_name")


def _latest_texts(result, answers, text_limit):
    """The latest texts, with personal data (emails, phones, IBAN, cards, the author's names) removed."""
    texts = answers.filter(question=result.question).exclude(text="")
    latest = texts.order_by("-response__submitted_at", "-pk").values_list("text", *AUTHOR_NAMES)[:text_limit]
    result.texts = [scrub(text, names=names) for text, *names in latest]
    result.text_count = texts.count() if len(result.texts) == text_limit else len(result.texts)


def survey_results(survey, *, text_limit=TEXT_LIMIT, only=None):
    """[QuestionResult] of every answerable question of the survey (or of the one whose id is ``only``), in
    survey order."""
    answerable = kinds_where("answerable")
    questions = Question.objects.filter(survey=survey, kind__in=answerable)
    answers = submitted(survey)
    if only is not None:
        questions, answers = questions.filter(pk=only), answers.filter(question_id=only)
    questions = list(questions.select_related("section").prefetch_related("choices", "rows"))
    tallies = _tallies(answers)
    results = []
    for question in questions:
        found = tallies[question.pk]
        result = QuestionResult(question=question, respondents=shown(found.respondents))
        kind = question_type(question.kind)
        if not is_shown(found.respondents):
            result.suppressed = True
        else:
            kind.summarise(result, question, found)
            survey_privacy.protect(result, found)
            if text_limit and kind.keeps_texts(question):
                _latest_texts(result, answers, text_limit)
        results.append(result)
    return results


# --- cross-tabulation -----------------------------------------------------------------------------------------


def cross_tab_dimensions():
    return {"segment": _("Segment"), "region": _("Région"), "age_band": _("Tranche d'âge")}


@dataclass
class CrossTab:
    """Answers (rows) by group (columns): counts and shares of each group's respondents, None when suppressed."""

    question: Question
    by: str
    columns: list  # [{"label", "respondents"}]
    rows: list  # [{"label", "cells": [Cell]}]


def _groups(question, by):
    """[(label, condition on Answer or None, attribute value)] of the cross-tab's columns."""
    if by == "segment":
        campaign = question.survey.campaign
        segments = campaign.segments.prefetch_related("rules").order_by("name") if campaign else []
        return [
            (
                segment.name,
                Exists(
                    Ambassador.objects.filter(saved_segment_condition(segment)).filter(
                        pk=OuterRef("response__invitation__ambassador_id")
                    )
                ),
                segment.pk,
            )
            for segment in segments
        ]
    choices = {"region": Region, "age_band": AgeBand}[by]
    return [(label, None, value) for value, label in choices.choices] + [(_("Non renseigné"), None, "")]


def cross_tab(question, by):
    """``question``'s answers by ``by`` ("segment", "region" or "age_band"): two GROUP BY queries for an
    attribute, two per segment, and the question's own result. Every group is listed, answered or not; cells
    are protected against the groups' respondents and the question's own distribution
    (``reports.survey_privacy.cross_tab_grid``). None for a question that cannot be cross-tabulated (matrix,
    ranking, numbers, dates, texts)."""
    if question.kind not in CROSS_TAB_KINDS or by not in cross_tab_dimensions():
        return None
    value_field, keys = question_type(question.kind).cross_tab_keys(question)
    answers = Answer.objects.filter(question=question, response__submitted_at__isnull=False)
    tally = _segment_counts if by == "segment" else _attribute_counts
    counts, respondents, columns = tally(question, by, answers, value_field)
    own = survey_results(question.survey, text_limit=0, only=question.pk)[0]
    withheld = {line.code: line.count is None for line in own.distribution}
    raw_totals = dict(answers.values_list(value_field).annotate(n=Count("response_id", distinct=True)).order_by())
    grid = survey_privacy.cross_tab_grid(
        total=own.respondents or 0,
        row_totals={
            _key(key): (raw_totals.get(key, 0), own.suppressed or withheld.get(str(code), not is_shown(0)))
            for key, _label, code in keys
        },
        column_totals={index: respondents.get(index, 0) for index in range(len(columns))},
        counts=counts,
        partition_rows=question.kind != "multiple",
        partition_columns=by != "segment",
        inside=_segments_inside(question, answers) if by == "segment" else [],
    )
    shown_columns = [
        {"label": str(label), "respondents": grid.shown(("group", index))} for index, label in enumerate(columns)
    ]
    rows = []
    for key, label, code in keys:
        cells = []
        for index in range(len(columns)):
            count, total = grid.shown(("cell", index, _key(key))), grid.shown(("group", index))
            cells.append(Cell(str(label), str(code), count, share(count, total)))
        rows.append({"label": str(label), "code": code, "cells": cells})
    return CrossTab(question=question, by=by, columns=shown_columns, rows=rows)


def _segment_counts(question, by, answers, value_field):
    """({(column, answer key): respondents}, {column: respondents}, [column label]) per segment: two queries
    each."""
    counts, respondents, columns = {}, {}, []
    for index, (label, condition, _value) in enumerate(_groups(question, by)):
        group = answers.filter(condition)
        respondents[index] = group.aggregate(n=Count("response_id", distinct=True))["n"]
        for key, n in group.values_list(value_field).annotate(n=Count("response_id", distinct=True)).order_by():
            counts[(index, _key(key))] = n
        columns.append(label)
    return counts, respondents, columns


def _segments_inside(question, answers):
    """[(inner column, outer column)] of the segments whose respondents are all in another's (two segments
    one rule apart), in one aggregate query."""
    groups = _groups(question, "segment")
    pairs = [(inner, outer) for inner in range(len(groups)) for outer in range(len(groups)) if inner != outer]
    if not pairs:
        return []
    outside = answers.aggregate(
        **{
            f"n{inner}_{outer}": Count("response_id", distinct=True, filter=Q(groups[inner][1]) & ~Q(groups[outer][1]))
            for inner, outer in pairs
        }
    )
    return [(inner, outer) for inner, outer in pairs if not outside[f"n{inner}_{outer}"]]


def _attribute_counts(question, by, answers, value_field):
    """The same per value of an ambassador attribute: two queries."""
    attribute = f"response__invitation__ambassador__{by}"
    respondents_by_value = defaultdict(int)
    for value, n in answers.values_list(attribute).annotate(n=Count("response_id", distinct=True)).order_by():
        respondents_by_value[value or ""] += n
    per_cell = answers.values_list(attribute, value_field).annotate(n=Count("response_id", distinct=True)).order_by()
    groups = _groups(question, by)  # every value, answered or not: a listed group would tell someone is in it
    index_of = {value: index for index, (_label, _condition, value) in enumerate(groups)}
    counts = defaultdict(int)
    for value, key, n in per_cell:
        counts[(index_of.get(value or "", index_of[""]), _key(key))] += n
    respondents = {index: respondents_by_value.get(value, 0) for value, index in index_of.items()}
    return counts, respondents, [label for label, _condition, _value in groups]


def _key(value):
    """Numbers come back as Decimal: compare them as floats."""
    return float(value) if value is not None and not isinstance(value, int) else value
