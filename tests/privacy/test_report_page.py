"""Attacks on the campaign's report page (``reports:campaign``), as the analyst reads it: the funnel, its
breakdowns by segment, region, age band and day, the survey's results and its cross-tabs by every attribute,
the votes per day. Each finding of issue 17 is reproduced first; every attack must come back empty."""

import pytest
from django.urls import reverse

from campaigns.models import Invitation
from reports.rates import DAILY_KEYS, STEP_KEYS
from surveys.models import Question, Response
from tests.privacy import attacks
from tests.reports.conftest import respond

pytestmark = pytest.mark.django_db


def report_of(client_for, analyst_user, campaign, **query):
    response = client_for(analyst_user).get(reverse("reports:campaign", args=[campaign.pk]), query)
    assert response.status_code == 200
    return response.context


def results_of(client_for, analyst_user, campaign):
    report = report_of(client_for, analyst_user, campaign)["report"]
    return {result.question.code: result for result in report.questions}


def test_every_funnel_row_withholds_small_steps_and_what_the_step_before_gives_away(client_for, analyst_user, known):
    report = report_of(client_for, analyst_user, known)["report"]
    rows = [report.funnel] + report.by_segment + report.by_region + report.by_age_band
    for row in rows:
        assert attacks.funnel_row(row.counts, row.label) == []
    bretagne = next(row for row in report.by_region if row.key == "bre")
    assert bretagne.counts["answered"] is None  # "answered: 2" showed beside 10 invited


def test_the_campaign_minus_the_shown_regions_gives_no_region_back(client_for, analyst_user, known):
    report = report_of(client_for, analyst_user, known)["report"]
    total = report.funnel.counts
    for breakdown in (report.by_region, report.by_age_band):
        assert attacks.breakdown(total, [row.counts for row in breakdown], STEP_KEYS, "breakdown") == []
    aquitaine = next(row for row in report.by_region if row.key == "naq")
    assert aquitaine.suppressed  # 3 invited, 1 opened: was had back as 19 - 10 - 6


def test_every_region_and_age_band_is_listed_so_a_row_does_not_tell_someone_is_there(client_for, analyst_user, known):
    report = report_of(client_for, analyst_user, known)["report"]
    assert len(report.by_region) == 16 and len(report.by_age_band) == 7


def test_days_give_nothing_back_against_the_campaign_totals(client_for, analyst_user, known):
    report = report_of(client_for, analyst_user, known)["report"]
    for key in DAILY_KEYS:
        column = [day[key] for day in report.days]
        assert attacks.by_difference(report.funnel.counts.get(key), column, key) is None
        assert attacks.small_counts(column, key) is None


def test_two_segments_differing_by_one_rule_give_no_one_away(client_for, analyst_user, known, one_rule_apart):
    report = report_of(client_for, analyst_user, known)["report"]
    rows = {row.label: row.counts for row in report.by_segment}
    wide, narrow = rows["Tous les Bretons"], rows["Bretons anciens"]
    assert rows["Bretons"]["invited"] == 10  # 10 and 9 invited: "invited" withheld would be the only change
    assert attacks.subsets(wide, narrow, STEP_KEYS, "wide-narrow") == []
    for counts in rows.values():
        assert attacks.subsets(report.funnel.counts, counts, STEP_KEYS, "campaign-segment") == []


def test_a_distribution_minus_its_shown_answers_gives_no_answer_back(client_for, analyst_user, known, thirteen):
    results = {
        result.question.code: result for result in report_of(client_for, analyst_user, known)["report"].questions
    }
    yes_no = results["banque_principale"]  # "Oui 12, Non withheld, respondents 13" gave Non = 1
    assert attacks.by_difference(yes_no.respondents, [cell.count for cell in yes_no.distribution], "oui/non") is None
    for code in ("usage", "nps", "clarte", "interet"):
        result = results[code]
        if not result.suppressed:
            counts = [cell.count for cell in result.distribution]
            assert attacks.by_difference(result.respondents, counts, code) is None
            assert attacks.small_counts(counts, code) is None


def test_statistics_never_give_a_withheld_answer_back(client_for, analyst_user, known, thirteen):
    results = {
        result.question.code: result for result in report_of(client_for, analyst_user, known)["report"].questions
    }
    nps = results["nps"]  # one detractor: the score gave the detractors back
    assert nps.nps["detractors"] is None and nps.nps["score"] is None
    assert results["nps"].low is None  # the lowest score (2) is one person's
    clarity = results["clarte"]  # one person gave 1: a mean over a withheld cell gives it back
    assert clarity.mean is None and clarity.median is None
    amount = results["montant"]  # 12 gave 10 or 20, one gave 500
    assert amount.high is None and amount.low == 10  # the maximum is one person's; six gave the minimum


def test_cross_tabs_by_every_attribute_give_no_cell_back(client_for, analyst_user, known, thirteen):
    for code in ("usage", "banque_principale", "nps", "fonctions"):
        question = Question.objects.get(survey=thirteen, code=code)
        for by in ("region", "age_band", "segment"):
            context = report_of(client_for, analyst_user, known, question=question.pk, by=by)
            table = context["crossed"]
            if table is None:
                continue
            columns = [column["respondents"] for column in table.columns]
            assert attacks.small_counts(columns, f"{code} by {by}") is None
            if by != "segment":
                own = next(result for result in context["report"].questions if result.question.pk == question.pk)
                assert attacks.by_difference(own.respondents, columns, f"{code} by {by}") is None
            for index in range(len(columns)):
                cells = [row["cells"][index].count for row in table.rows]
                assert attacks.small_counts(cells, f"{code} by {by} column {index}") is None
                if code != "fonctions":
                    assert attacks.by_difference(columns[index], cells, f"{code} by {by} column {index}") is None
            if by != "segment" and code != "fonctions":
                own = next(result for result in context["report"].questions if result.question.pk == question.pk)
                for line, row in zip(own.distribution, table.rows, strict=False):
                    counts = [cell.count for cell in row["cells"]]
                    assert attacks.by_difference(line.count, counts, f"{code} {line.code} by {by}") is None


def test_votes_per_day_give_no_day_back_against_the_ideas_public_counts(client_for, analyst_user, known, board):
    report = report_of(client_for, analyst_user, known)["report"]
    total = sum(idea["votes"] for idea in report.ideas)  # each idea's count is public on the board
    days = [day["votes"] for day in report.votes_by_day]
    assert attacks.by_difference(total, days, "votes") is None and attacks.small_counts(days, "votes") is None


def test_a_cross_tab_by_two_segments_one_rule_apart_gives_no_one_away(
    client_for, analyst_user, known, one_rule_apart, thirteen
):
    answered = set(Response.objects.filter(survey=thirteen).values_list("invitation_id", flat=True))
    for invitation in Invitation.objects.filter(campaign=known, ambassador__region="idf").exclude(pk__in=answered):
        respond(invitation, thirteen, banque_principale=True, usage="jour")  # 16 respondents: 10 and 9 Bretons show
    for code in ("usage", "banque_principale"):
        question = Question.objects.get(survey=thirteen, code=code)
        table = report_of(client_for, analyst_user, known, question=question.pk, by="segment")["crossed"]
        labels = [column["label"] for column in table.columns]
        wide, narrow = labels.index("Tous les Bretons"), labels.index("Bretons anciens")
        columns = [column["respondents"] for column in table.columns]
        assert attacks.by_nesting(columns[wide], columns[narrow], code) is None
        for row in table.rows:
            cells = [cell.count for cell in row["cells"]]
            assert attacks.by_nesting(cells[wide], cells[narrow], f"{code} {row['code']}") is None


def test_a_themes_weeks_minus_its_shown_weeks_give_no_small_week_back(client_for, analyst_user, known, settings):
    """Authors write about the phone line in week 10, a few more in week 12: a week 12 of fewer than k would be the
    theme's authors minus week 10's, so week 10 is withheld with it."""
    from datetime import timedelta

    from tests.reports.conftest import T0
    from tests.reports.listening.fixtures import COMPLAINTS_PHONE, PRAISE_APP
    from tests.reports.listening.writing import ideas_written

    settings.PRIVACY_THRESHOLD = attacks.K
    ideas_written(known, COMPLAINTS_PHONE, at=T0)
    ideas_written(known, COMPLAINTS_PHONE[:2], start=6, at=T0 + timedelta(weeks=2))
    ideas_written(known, PRAISE_APP, start=8, at=T0 + timedelta(weeks=2))
    listening = report_of(client_for, analyst_user, known)["listening"]
    for theme in listening.themes:
        withheld = [authors for _week, authors in theme.weeks if authors is None]
        shown = sum(authors for _week, authors in theme.weeks if authors is not None)
        gap = theme.authors - shown
        assert not withheld or len(withheld) >= 2 or gap == 0 or gap >= attacks.K, theme.name
        assert all(authors is None or authors >= attacks.K for _week, authors in theme.weeks), theme.name
    phone = next(theme for theme in listening.themes if "telephone" in theme.terms)
    assert phone.authors >= attacks.K and [authors for _week, authors in phone.weeks] == [None, None, None]
