"""A theme's trend by ISO week: how many authors wrote about it each week, protected like every count of people
(``campaigns.privacy``): a week of fewer than k authors is withheld, and so is another (the smallest) when the
theme's total would give a lone withheld week back (complementary suppression, ``suppression.Grid``)."""

from django.utils import timezone

from campaigns.privacy.suppression import Grid


def iso_week(moment):
    """'2026-W10' for a moment, in the service's time zone."""
    year, week, _day = timezone.localtime(moment).isocalendar()
    return f"{year}-W{week:02d}"


def weeks_span(moments):
    """Every ISO week from the first moment's to the last's, in order (a week without a text is shown as 0)."""
    from datetime import timedelta

    days = sorted(timezone.localtime(moment).date() for moment in moments)
    if not days:
        return []
    monday, last = days[0] - timedelta(days=days[0].weekday()), days[-1]
    weeks = []
    while monday <= last:
        year, week, _day = monday.isocalendar()
        weeks.append(f"{year}-W{week:02d}")
        monday += timedelta(days=7)
    return weeks


def theme_trend(members, weeks, total):
    """[(week, authors or None when withheld)] of a theme whose ``members`` are (author, moment) pairs and whose
    ``total`` of authors is shown."""
    by_week = {week: set() for week in weeks}
    for author, moment in members:
        by_week.setdefault(iso_week(moment), set()).add(author)
    grid = Grid()
    grid.add("total", total, withheld=False)
    keys = [grid.add(week, len(by_week[week])) for week in weeks]
    grid.relation("total", keys)
    grid.protect()
    return [(week, grid.shown(week)) for week in weeks]
