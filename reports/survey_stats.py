"""Survey results per question, and cross-tabulations of a question by segment or ambassador attribute.

Only submitted responses count. The whole survey's figures come from a handful of ``GROUP BY`` queries
whatever the number of responses: respondents per question (and matrix row), answer counts per question,
choice, row and number, date ranges; then one small query per free-text question for its latest texts.

Privacy (``campaigns.privacy``): a question answered by fewer than ``PRIVACY_THRESHOLD`` ambassadors shows
nothing (its result is ``suppressed``); any count of ambassadors smaller than that (one answer of a
distribution, a matrix cell, a cross-tab cell, a matrix row, a cross-tab column) is None, and so is its share.
Statistics of a group (mean, median, NPS score, top-two-box) are shown only for groups large enough.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, Min, OuterRef
from django.utils.translation import gettext as _

from campaigns.audience.segments import saved_segment_condition
from campaigns.models import AgeBand, Ambassador, Region
from campaigns.privacy import is_shown, shown
from surveys.models import Answer, Question

K = Question.Kind
CHOICE_KINDS = {K.SINGLE, K.MULTIPLE, K.LIKERT}
NUMBER_KINDS = {K.YES_NO, K.SCALE, K.NPS, K.NUMBER}
TEXT_KINDS = {K.SHORT_TEXT, K.LONG_TEXT}
CROSS_TAB_KINDS = CHOICE_KINDS | {K.YES_NO, K.SCALE, K.NPS}
OTHER = "__other__"
TEXT_LIMIT = 50


def submitted(survey):
    return Answer.objects.filter(question__survey=survey, response__submitted_at__isnull=False)


@dataclass
class Cell:
    """One line of a distribution: an answer, how many ambassadors gave it and their share of the respondents
    (None when suppressed)."""

    label: str
    code: str
    count: int | None
    share: float | None


@dataclass
class QuestionResult:
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
    texts: list = field(default_factory=list)
    text_count: int = 0

    @property
    def kind(self):
        return self.question.kind


def _share(count, total):
    return count / total if count is not None and total else None


def _cell(label, code, count, total):
    count = shown(count)
    return Cell(str(label), str(code), count, _share(count, total))


def weighted_median(pairs):
    """The median of values given as (value, how many times), sorted by value; None when empty."""
    pairs = sorted((float(value), n) for value, n in pairs if value is not None and n)
    total = sum(n for _value, n in pairs)
    if not total:
        return None

    def nth(index):  # the value at 0-based position ``index``
        seen = 0
        for value, n in pairs:
            seen += n
            if index < seen:
                return value

    if total % 2:
        return nth(total // 2)
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def weighted_mean(pairs):
    pairs = [(float(value), n) for value, n in pairs if value is not None and n]
    total = sum(n for _value, n in pairs)
    return sum(value * n for value, n in pairs) / total if total else None


def nps_figures(pairs, respondents):
    """Promoters (9-10), passives (7-8) and detractors (0-6): counts and shares, suppressed below the
    threshold, and the score (% promoters − % detractors, from −100 to 100; None without answers)."""
    promoters = sum(n for value, n in pairs if value is not None and value >= 9)
    passives = sum(n for value, n in pairs if value is not None and 7 <= value < 9)
    detractors = sum(n for value, n in pairs if value is not None and value < 7)
    total = promoters + passives + detractors
    figures = {"respondents": total}
    for name, count in (("promoters", promoters), ("passives", passives), ("detractors", detractors)):
        figures[name] = shown(count)
        figures[f"{name}_share"] = _share(figures[name], total)
    figures["score"] = round(100 * (promoters - detractors) / total, 1) if total and is_shown(total) else None
    return figures


def top_two_box(pairs, points):
    """Share of the answers on the two highest points of a scale of ``points`` points (1 to ``points``)."""
    total = sum(n for _value, n in pairs)
    if not total or not points:
        return None
    return sum(n for value, n in pairs if value is not None and value >= points - 1) / total


def _number_label(question, value):
    if question.kind == K.YES_NO:
        return _("Oui") if value == 1 else _("Non")
    if value == int(value):
        return str(int(value))
    return str(value)


def survey_results(survey, *, text_limit=TEXT_LIMIT, only=None):
    """[QuestionResult] of every answerable question of the survey (or of the one whose id is ``only``), in
    survey order."""
    questions = Question.objects.filter(survey=survey).exclude(kind=K.DISPLAY)
    answers = submitted(survey)
    if only is not None:
        questions, answers = questions.filter(pk=only), answers.filter(question_id=only)
    questions = list(questions.select_related("section").prefetch_related("choices", "rows"))
    respondents = dict(answers.values_list("question_id").annotate(n=Count("response_id", distinct=True)).order_by())
    row_respondents = dict(
        ((question, row), n)
        for question, row, n in answers.filter(row__isnull=False)
        .values_list("question_id", "row_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    counts = defaultdict(list)  # question -> [(row, choice, number, n)]
    for question_id, row_id, choice_id, number, n in (
        answers.exclude(question__kind__in=[*TEXT_KINDS, K.DATE])
        .values_list("question_id", "row_id", "choice_id", "number")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[question_id].append((row_id, choice_id, number, n))
    dates = {
        row["question_id"]: row
        for row in answers.filter(date__isnull=False)
        .values("question_id")
        .annotate(low=Min("date"), high=Max("date"))
        .order_by()
    }
    results = []
    for question in questions:
        total = respondents.get(question.pk, 0)
        result = QuestionResult(question=question, respondents=shown(total))
        if not is_shown(total):
            result.suppressed = True
        else:
            _fill(result, question, total, counts.get(question.pk, []), row_respondents, dates.get(question.pk))
            if text_limit and (question.kind in TEXT_KINDS or (question.kind in CHOICE_KINDS and question.allow_other)):
                texts = answers.filter(question=question).exclude(text="")
                result.texts = list(
                    texts.order_by("-response__submitted_at", "-pk").values_list("text", flat=True)[:text_limit]
                )
                result.text_count = texts.count() if len(result.texts) == text_limit else len(result.texts)
        results.append(result)
    return results


def _fill(result, question, total, counts, row_respondents, dates):  # noqa: C901 - split by the question-type registry
    kind = question.kind
    if kind in CHOICE_KINDS:
        by_choice = defaultdict(int)
        for _row, choice, _number, n in counts:
            by_choice[choice] += n
        result.distribution = [
            _cell(choice.label(), choice.code, by_choice.get(choice.pk, 0), total) for choice in question.choices.all()
        ]
        if by_choice.get(None):
            result.distribution.append(_cell(_("Autre"), OTHER, by_choice[None], total))
        if kind == K.LIKERT:
            points = {choice.pk: position for position, choice in enumerate(question.choices.all(), start=1)}
            pairs = [(points[choice], n) for choice, n in by_choice.items() if choice in points]
            result.mean, result.median = weighted_mean(pairs), weighted_median(pairs)
            result.top_two_box = top_two_box(pairs, len(points))
    elif kind in NUMBER_KINDS:
        pairs = [(number, n) for _row, _choice, number, n in counts if number is not None]
        if kind == K.YES_NO:
            values = [1, 0]
        elif kind == K.SCALE:
            values = list(range(1, (question.points or 5) + 1))
        elif kind == K.NPS:
            values = list(range(11))
        else:
            values = []
        if values:
            by_value = defaultdict(int)
            for number, n in pairs:
                by_value[float(number)] += n
            result.distribution = [
                _cell(_number_label(question, value), value, by_value.get(value, 0), total) for value in values
            ]
        result.mean, result.median = weighted_mean(pairs), weighted_median(pairs)
        if pairs and kind != K.YES_NO:
            result.low, result.high = min(number for number, _n in pairs), max(number for number, _n in pairs)
        if kind == K.NPS:
            result.nps = nps_figures([(float(number), n) for number, n in pairs], total)
        if kind == K.SCALE:
            result.top_two_box = top_two_box([(float(number), n) for number, n in pairs], question.points)
    elif kind == K.MATRIX:
        choices = list(question.choices.all())
        points = {choice.pk: position for position, choice in enumerate(choices, start=1)}
        cells = {(row, choice): n for row, choice, _number, n in counts}
        result.matrix_columns = [choice.label() for choice in choices]
        result.matrix = []
        for row in question.rows.all():
            answered = row_respondents.get((question.pk, row.pk), 0)
            line = {"label": row.label(), "code": row.code, "respondents": shown(answered), "cells": [], "mean": None}
            if is_shown(answered):
                line["cells"] = [
                    _cell(choice.label(), choice.code, cells.get((row.pk, choice.pk), 0), answered)
                    for choice in choices
                ]
                line["mean"] = weighted_mean(
                    [
                        (points[choice], n)
                        for (row_id, choice), n in cells.items()
                        if row_id == row.pk and choice in points
                    ]
                )
            else:
                line["cells"] = [Cell(choice.label(), choice.code, None, None) for choice in choices]
            result.matrix.append(line)
    elif kind == K.RANKING:
        ranks = defaultdict(list)
        for _row, choice, number, n in counts:
            ranks[choice].append((number, n))
        result.ranking = []
        for choice in question.choices.all():
            pairs = ranks.get(choice.pk, [])
            ranked = sum(n for _number, n in pairs)
            first = sum(n for number, n in pairs if number == 1)
            result.ranking.append(
                {
                    "label": choice.label(),
                    "code": choice.code,
                    "ranked": shown(ranked),
                    "average": weighted_mean(pairs) if ranked and is_shown(ranked) else None,
                    "first": shown(first),
                }
            )
        result.ranking.sort(key=lambda line: (line["average"] is None, line["average"] or 0))
    elif kind == K.DATE and dates:
        result.low, result.high = dates["low"], dates["high"]


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


def _answer_keys(question):
    """(field grouped on, [(key, label, code)]) of the answers of a question that can be cross-tabulated."""
    if question.kind in CHOICE_KINDS:
        keys = [(choice.pk, choice.label(), choice.code) for choice in question.choices.all()]
        if question.allow_other:
            keys.append((None, _("Autre"), OTHER))
        return "choice_id", keys
    if question.kind == K.YES_NO:
        values = [1, 0]
    elif question.kind == K.SCALE:
        values = range(1, (question.points or 5) + 1)
    else:
        values = range(11)
    return "number", [(value, _number_label(question, value), str(value)) for value in values]


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
    """``question``'s answers by ``by`` ("segment", "region" or "age_band"): one GROUP BY query for an
    attribute (two with the respondents of each group), two per segment. None for a question that cannot be
    cross-tabulated (matrix, ranking, numbers, dates, texts)."""
    if question.kind not in CROSS_TAB_KINDS or by not in cross_tab_dimensions():
        return None
    value_field, keys = _answer_keys(question)
    answers = Answer.objects.filter(question=question, response__submitted_at__isnull=False)
    counts, respondents, columns = {}, {}, []
    if by == "segment":
        for index, (label, condition, _value) in enumerate(_groups(question, by)):
            group = answers.filter(condition)
            respondents[index] = group.aggregate(n=Count("response_id", distinct=True))["n"]
            for key, n in group.values_list(value_field).annotate(n=Count("response_id", distinct=True)).order_by():
                counts[(index, _key(key))] = n
            columns.append(label)
    else:
        attribute = f"response__invitation__ambassador__{by}"
        respondents_by_value = dict(
            answers.values_list(attribute).annotate(n=Count("response_id", distinct=True)).order_by()
        )
        per_cell = (
            answers.values_list(attribute, value_field).annotate(n=Count("response_id", distinct=True)).order_by()
        )
        groups = [group for group in _groups(question, by) if group[2] in respondents_by_value]
        index_of = {value: index for index, (_label, _condition, value) in enumerate(groups)}
        for value, key, n in per_cell:
            counts[(index_of[value], _key(key))] = n
        respondents = {index: respondents_by_value[value] for value, index in index_of.items()}
        columns = [label for label, _condition, _value in groups]
    shown_columns = [
        {"label": str(label), "respondents": shown(respondents.get(index, 0))} for index, label in enumerate(columns)
    ]
    rows = []
    for key, label, code in keys:
        cells = []
        for index, _label in enumerate(columns):
            total = respondents.get(index, 0)
            if not is_shown(total):
                cells.append(Cell(str(label), code, None, None))
            else:
                cells.append(_cell(label, code, counts.get((index, _key(key)), 0), total))
        rows.append({"label": str(label), "code": code, "cells": cells})
    return CrossTab(question=question, by=by, columns=shown_columns, rows=rows)


def _key(value):
    """Numbers come back as Decimal: compare them as floats."""
    return float(value) if value is not None and not isinstance(value, int) else value
