"""Every place a figure about ambassadors leaves the service has its attack in this suite: a new report URL
(any URL of the ``reports`` namespace, or any staff URL whose name speaks of a report, a chart, a size, an
export, a result, a count) fails here until it is added to ``ATTACKS`` with the tests that attack it, or to
``NO_FIGURES`` with the reason it shows none."""

import inspect
import sys

import pytest

from tests.config.test_role_matrix import walk
from tests.privacy import test_exports, test_other_figures, test_report_page, test_segment_counts

FIGURE_WORDS = ("report", "chart", "size", "csv", "export", "download", "overview", "result", "stat", "count")
REPORT = [
    name for name, _function in inspect.getmembers(test_report_page, inspect.isfunction) if name.startswith("test_")
]
WORKBOOK = [
    "test_exports.test_the_workbook_summary_gives_no_region_back",
    "test_exports.test_the_downloaded_workbook_gives_no_region_back",
]

# URL name (or a file or message with no URL) -> the attacks it gets ("module.test")
ATTACKS = {
    "reports:campaign": [f"test_report_page.{name}" for name in REPORT],
    "reports:chart": ["test_other_figures.test_charts_are_drawn_from_the_protected_figures"],
    "reports:question_chart": ["test_other_figures.test_question_charts_are_drawn_from_the_protected_figures"],
    "reports:csv": [
        "test_exports.test_the_summary_csv_gives_no_region_back",
        "test_exports.test_no_row_level_table_reaches_the_analyst",
    ],
    "reports:export_create": WORKBOOK,
    "reports:export": WORKBOOK,
    "reports:download": WORKBOOK,
    "wagtailsnippets_campaigns_segment:size": [
        "test_segment_counts.test_a_group_of_one_is_fewer_than_five_for_the_analyst",
        "test_segment_counts.test_an_empty_segment_does_not_tell_itself_from_a_segment_of_one",
        "test_segment_counts.test_a_binary_search_on_customer_since_finds_no_date",
        "test_segment_counts.test_two_segments_differing_by_one_rule_show_the_same_size",
    ],
    "campaign_actions:overview": [
        "test_other_figures.test_the_campaign_overview_gives_no_small_group_to_the_analyst",
        "test_segment_counts.test_the_audience_on_the_campaign_overview_is_not_exact_for_the_analyst",
    ],
    "reports:engagement": ["test_other_figures.test_the_engagement_report_gives_no_small_tier_back_to_the_analyst"],
    "wagtailadmin_home": ["test_other_figures.test_the_home_panel_gives_no_small_group_to_the_analyst"],
    "weekly email": ["test_other_figures.test_the_weekly_email_shows_only_protected_figures"],
    "public results of a closed campaign": [
        "test_other_figures.test_the_public_results_do_not_give_the_one_who_did_not_take_part"
    ],
}
NO_FIGURES = {
    "reports:index": "lists the campaigns (title, state, dates): no count of people",
    "ambassador_data:export": "one ambassador's own data (right of access), for those who may read identities",
    "audit:index": "the audit trail, for superusers: who did what, no figure about ambassadors",
    "audit:results": "the audit trail's listing, for superusers",
    "limesurvey_import:report": "what a LimeSurvey import kept: questions, no answers",
}
MODULES = {
    module.__name__.rsplit(".", 1)[1]: module
    for module in (test_exports, test_other_figures, test_report_page, test_segment_counts)
}


def figure_urls():
    for namespace, name, _arguments in walk():
        url_name = f"{namespace}:{name}"
        if "_results" in name and namespace.startswith(("wagtailsnippets_", "wagtailsnippetchoosers_")):
            continue  # Wagtail's listings refreshed in place: rows, not figures
        if namespace == "reports" or any(word in url_name for word in FIGURE_WORDS):
            yield url_name


def test_every_figure_producing_url_has_an_attack_or_a_reason():
    missing = sorted({name for name in figure_urls() if name not in ATTACKS and name not in NO_FIGURES})
    assert not missing, f"add an attack in tests/privacy and an entry in ATTACKS for: {missing}"


@pytest.mark.parametrize("target", sorted(ATTACKS))
def test_every_attack_named_exists(target):
    assert ATTACKS[target]
    for attack in ATTACKS[target]:
        module, name = attack.split(".")
        assert callable(getattr(MODULES[module], name, None)), attack


def test_the_suite_finds_a_new_report_url(monkeypatch):
    every = list(walk())

    def walk_with_a_new_one():
        yield from every
        yield "reports", "by_branch", ["pk"]

    monkeypatch.setattr(sys.modules[__name__], "walk", walk_with_a_new_one)
    assert "reports:by_branch" in set(figure_urls()) - set(ATTACKS) - set(NO_FIGURES)
