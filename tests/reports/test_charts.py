import pytest

from reports import charts
from reports.rates import funnel, funnel_by_day
from reports.report import campaign_report, chart, report_charts

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n"


def test_funnel_rates_and_timeline_are_png(known):
    row = funnel(known)
    for png in (charts.funnel_chart(row), charts.rates_chart(row), charts.timeline_chart(funnel_by_day(known))):
        assert png.startswith(PNG) and len(png) > 2000


def test_every_question_with_figures_gets_a_chart(answered, board, settings):
    settings.PRIVACY_THRESHOLD = 1
    drawn = report_charts(campaign_report(answered.campaign))
    assert {"funnel", "rates", "timeline", "votes"} <= set(drawn)
    assert len([name for name in drawn if name.startswith("question-")]) == 9  # not the texts and the date
    assert all(png.startswith(PNG) for png in drawn.values())


def test_suppressed_figures_still_draw(known, settings):
    settings.PRIVACY_THRESHOLD = 100
    assert charts.funnel_chart(funnel(known)).startswith(PNG)
    assert charts.timeline_chart([]).startswith(PNG) and charts.votes_chart([]).startswith(PNG)


def test_one_chart_by_name(answered):
    assert chart(answered.campaign, "funnel").startswith(PNG)
    question = answered.questions.get(code="usage")
    assert chart(answered.campaign, f"question-{question.pk}").startswith(PNG)
    assert chart(answered.campaign, "question-0") is None and chart(answered.campaign, "nothing") is None


def test_charts_write_numbers_as_the_tables_do_in_each_language():
    from django.utils import translation

    with translation.override("fr"):
        assert charts._percent(0.041) == "4,1\u00a0%" and charts._count_label(12345) == "12\u00a0345"
    with translation.override("en"):
        assert charts._percent(0.041) == "4.1\u00a0%" and charts._count_label(12345) == "12,345"


def test_timeline_labels_periods_with_their_dates():
    from datetime import date

    from django.utils import translation

    with translation.override("fr"):
        assert charts.period_label({"day": date(2026, 12, 2), "until": date(2026, 12, 2)}) == "2 décembre"
        assert charts.period_label({"day": date(2026, 12, 2), "until": date(2026, 12, 4)}) == "2 décembre – 4 décembre"
