"""A theme's weekly trend: each week's authors, withheld under k, and a second week withheld when the theme's
total would give a lone withheld week back."""

from datetime import UTC, datetime, timedelta

from reports.listening.trend import iso_week, theme_trend, weeks_span

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def written(week, authors, first=0):
    return [(first + number, MONDAY + timedelta(weeks=week, hours=number)) for number in range(authors)]


def test_weeks_run_from_the_first_text_to_the_last_without_a_gap():
    assert weeks_span([MONDAY + timedelta(weeks=2), MONDAY]) == ["2026-W10", "2026-W11", "2026-W12"]
    assert iso_week(datetime(2027, 1, 1, 12, tzinfo=UTC)) == "2026-W53" and weeks_span([]) == []


def test_a_week_of_fewer_than_k_authors_is_withheld_with_another_so_the_total_does_not_give_it_back(settings):
    settings.PRIVACY_THRESHOLD = 5
    weeks = ["2026-W10", "2026-W11"]
    assert theme_trend(written(0, 8) + written(1, 3, first=8), weeks, 11) == [("2026-W10", None), ("2026-W11", None)]


def test_weeks_of_k_authors_or_more_show_and_an_empty_week_is_withheld(settings):
    settings.PRIVACY_THRESHOLD = 5
    weeks = ["2026-W10", "2026-W11", "2026-W12"]
    members = written(0, 6) + written(2, 5, first=6)
    assert theme_trend(members, weeks, 11) == [("2026-W10", 6), ("2026-W11", None), ("2026-W12", 5)]
