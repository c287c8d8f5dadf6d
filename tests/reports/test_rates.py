from datetime import date

import pytest

from reports.rates import (
    DAILY_KEYS,
    RATES,
    definitions,
    engagement,
    funnel,
    funnel_by_attribute,
    funnel_by_day,
    funnel_by_segment,
    ratio,
)

pytestmark = pytest.mark.django_db


def test_funnel_counts_every_step_and_leaves_skipped_invitations_out(known, settings, django_assert_num_queries):
    settings.PRIVACY_THRESHOLD = 1
    with django_assert_num_queries(1):
        row = funnel(known)
    assert row.counts == {
        "invited": 19,
        "sent": 19,
        "delivered": 18,
        "opened": 10,
        "human_opened": 7,
        "clicked": 5,
        "human_clicked": 3,
        "answered": 4,
        "opted_out": 1,
        "bounced": 1,
    }
    assert not row.suppressed


def test_rates_are_defined_once_on_the_right_denominators(known, settings):
    settings.PRIVACY_THRESHOLD = 1
    rates = funnel(known).rates
    assert rates["open_rate"] == pytest.approx(10 / 18)
    assert rates["human_open_rate"] == pytest.approx(7 / 18)
    assert rates["click_rate"] == pytest.approx(5 / 18)
    assert rates["click_to_open_rate"] == pytest.approx(5 / 10)
    assert rates["response_rate"] == pytest.approx(4 / 18)
    assert rates["opt_out_rate"] == pytest.approx(1 / 18)
    assert rates["bounce_rate"] == pytest.approx(1 / 19)


def test_reference_lines_are_twenty_percent_opens_and_ten_percent_answers():
    references = {rate.key: rate.reference for rate in RATES if rate.reference}
    assert references == {"open_rate": 0.20, "response_rate": 0.10}


def test_every_step_and_rate_has_a_written_definition():
    written = definitions()
    assert len(written) == 10 + len(RATES)
    assert all(str(label) and len(str(text)) > 10 for label, text in written)
    assert any("20 %" in str(text) for _label, text in written)


def test_a_rate_without_denominator_or_with_a_suppressed_figure_is_none():
    assert ratio(3, 0) is None and ratio(None, 10) is None and ratio(1, 4) == 0.25


def test_funnel_withholds_every_small_step_and_every_step_one_step_gives_away(known):
    row = funnel(known)
    assert row.counts["invited"] == 19 and row.counts["opened"] == 10 and row.counts["clicked"] == 5
    # answered 4, bounced 1, opted out 1: under 5; delivered = sent - bounced; human 7 = opened - 3
    assert {row.counts[step] for step in ("answered", "bounced", "opted_out", "delivered", "human_opened")} == {None}
    assert row.rates["response_rate"] is None and row.rates["click_to_open_rate"] == pytest.approx(5 / 10)


def test_per_region_two_queries_every_region_listed_and_small_regions_withheld(known, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = funnel_by_attribute(known, "region")
    by_key = {row.key: row for row in rows}
    assert [row.key for row in rows][:3] == ["ara", "bfc", "bre"]  # every value, in the order of the choices
    assert rows[-1].key == ""  # those without one last
    assert by_key["bre"].counts["invited"] == 10 and by_key["bre"].counts["answered"] is None
    assert by_key["idf"].counts["answered"] is None  # 2 answered
    assert by_key["idf"].counts["invited"] is None  # else 19 - 10 - 6 gives the 3 Aquitains
    aquitaine = by_key["naq"]
    assert aquitaine.suppressed and set(aquitaine.counts.values()) == {None}
    assert set(aquitaine.rates.values()) == {None}


def test_per_region_with_everything_shown(known, settings):
    settings.PRIVACY_THRESHOLD = 1
    by_key = {row.key: row for row in funnel_by_attribute(known, "region")}
    assert by_key["bre"].counts["delivered"] == 9 and by_key["bre"].rates["open_rate"] == pytest.approx(6 / 9)
    assert by_key["idf"].counts["answered"] == 2 and by_key["idf"].rates["response_rate"] == pytest.approx(2 / 6)
    assert by_key["ara"].counts["invited"] == 0


def test_per_age_band_names_those_without_one(known, settings):
    settings.PRIVACY_THRESHOLD = 1
    rows = [row for row in funnel_by_attribute(known, "age_band") if row.counts["invited"]]
    assert [(row.label, row.counts["invited"]) for row in rows] == [
        ("25 à 34 ans", 10),
        ("35 à 44 ans", 6),
        ("Non renseigné", 3),
    ]


def test_per_segment_counts_members_and_suppresses_a_small_static_list(known, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        rows = funnel_by_segment(known)
    by_name = {row.label: row for row in rows}
    assert by_name["Bretons"].counts["invited"] == 10 and by_name["Bretons"].counts["bounced"] is None
    assert by_name["Franciliens choisis"].suppressed  # three members


def test_per_day_groups_days_until_no_figure_the_funnel_shows_is_withheld(known, settings):
    # k = 5: opened 6, 3, 1 on three days; answered 0, 4, 0: the days merge into one period, the campaign's
    rows = funnel_by_day(known)
    assert [(row["day"], row["until"]) for row in rows] == [(date(2026, 3, 2), date(2026, 3, 4))]
    assert rows[0]["sent"] == 19 and rows[0]["opened"] == 10
    settings.PRIVACY_THRESHOLD = 1  # every day on its own
    days = {row["day"]: row for row in funnel_by_day(known)}
    assert list(days) == [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]
    assert days[date(2026, 3, 2)]["clicked"] == 3 and days[date(2026, 3, 2)]["opened"] == 6
    assert days[date(2026, 3, 3)]["answered"] == 4 and days[date(2026, 3, 3)]["opened"] == 3
    assert days[date(2026, 3, 4)]["opened"] == 1


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_per_day_table_adds_up_to_the_funnel(known, settings, k):
    settings.PRIVACY_THRESHOLD = k
    row, days = funnel(known), funnel_by_day(known)
    for key in DAILY_KEYS:
        if row.counts[key] is not None:
            column = [day[key] for day in days]
            assert None not in column and sum(column) == row.counts[key], (k, key, column)


def test_a_campaign_of_too_few_invited_shows_no_figure(known, settings):
    settings.PRIVACY_THRESHOLD = 20
    row = funnel(known)
    assert row.suppressed and row.counts["invited"] is None and row.rates["open_rate"] is None


def test_opens_and_clicks_show_raw_machine_and_estimated_human_figures_with_their_method(known, settings):
    # k = 5: 3 machine opens are withheld, and so the 7 human ones (10 - 7 would give them back)
    assert next(figures for _item, *figures in engagement(funnel(known))) == [10, None, None]
    settings.PRIVACY_THRESHOLD = 1  # the figures themselves
    lines = {
        item.key: (raw, machine, human, str(item.method)) for item, raw, machine, human in engagement(funnel(known))
    }
    assert lines["opens"][:3] == (10, 3, 7) and lines["clicks"][:3] == (5, 2, 3)
    assert "Gmail" in lines["opens"][3] and "Apple" in lines["opens"][3] and "HEAD" in lines["clicks"][3]
    assert "piège" in lines["clicks"][3]
    assert funnel(known).rates["human_click_rate"] == pytest.approx(3 / 18)


def test_a_suppressed_group_shows_no_machine_figure_either(known):
    small = next(row for row in funnel_by_attribute(known, "region") if row.key == "naq")
    assert small.suppressed and all(figures == [None, None, None] for _item, *figures in engagement(small))
