import pytest

from reports.survey_stats import cross_tab, nps_figures, survey_results, top_two_box, weighted_median
from surveys.models import Question, Survey
from tests.reports.conftest import HOSTILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything_shown(settings):
    settings.PRIVACY_THRESHOLD = 1


def results_by_code(survey, **options):
    return {result.question.code: result for result in survey_results(survey, **options)}


def test_whole_survey_in_a_fixed_number_of_queries(answered, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        results = survey_results(answered)
    assert "info" not in {result.question.code for result in results}  # a displayed text has no answers


def test_single_choice_distribution_counts_and_shares(answered, everything_shown):
    usage = results_by_code(answered)["usage"]
    assert usage.respondents == 7  # the unsubmitted response does not count
    assert [(cell.code, cell.count) for cell in usage.distribution] == [
        ("jour", 4),
        ("semaine", 2),
        ("mois", 1),
        ("jamais", 0),
    ]
    assert usage.distribution[0].share == pytest.approx(4 / 7)


def test_multiple_choice_shares_are_of_respondents_and_other_texts_are_listed(answered, everything_shown):
    functions = results_by_code(answered)["fonctions"]
    counts = {cell.code: cell.count for cell in functions.distribution}
    assert counts == {"virement": 3, "budget": 7, "epargne": 0, "carte": 0, "__other__": 4}
    assert functions.distribution[1].share == 1.0
    assert functions.texts == ['=HYPERLINK("http://x")'] * 4 and functions.text_count == 4


def test_nps_promoters_passives_detractors_and_score(answered, everything_shown):
    nps = results_by_code(answered)["nps"]
    assert nps.nps["promoters"] == 3 and nps.nps["passives"] == 2 and nps.nps["detractors"] == 2
    assert nps.nps["score"] == pytest.approx(round(100 * (3 - 2) / 7, 1))
    assert nps.mean == pytest.approx(52 / 7) and nps.median == 8
    assert [cell.count for cell in nps.distribution] == [0, 0, 0, 1, 0, 0, 1, 1, 1, 2, 1]  # 0 to 10


def test_nps_edge_cases_all_promoters_all_detractors_no_answers(settings):
    settings.PRIVACY_THRESHOLD = 1
    assert nps_figures([(9, 3), (10, 2)], 5)["score"] == 100
    assert nps_figures([(0, 1), (6, 4)], 5)["score"] == -100
    empty = nps_figures([], 0)
    assert empty["score"] is None and empty["promoters"] == empty["detractors"] == 0
    assert empty["promoters_share"] is None


def test_nps_counts_below_the_threshold_are_withheld_and_so_is_the_score_that_would_give_them_back(answered):
    nps = results_by_code(answered)["nps"]  # threshold 5, seven respondents
    assert nps.respondents == 7 and nps.nps["promoters"] is None and nps.nps["promoters_share"] is None
    assert nps.nps["score"] is None  # promoters - detractors of 7 with one of them withheld gives it back


def test_likert_mean_median_and_top_two_box(answered, everything_shown):
    clarity = results_by_code(answered)["clarte"]  # points 5 4 4 2 1 3 5
    assert clarity.mean == pytest.approx(24 / 7) and clarity.median == 4
    assert clarity.top_two_box == pytest.approx(4 / 7)


def test_scale_and_number_summaries(answered, everything_shown):
    results = results_by_code(answered)
    interest = results["interet"]  # 1 2 3 4 5 1 2
    assert interest.mean == pytest.approx(18 / 7) and interest.median == 2
    assert interest.top_two_box == pytest.approx(2 / 7)
    amount = results["montant"]  # 10 to 70
    assert amount.mean == 40 and amount.median == 40 and amount.low == 10 and amount.high == 70
    yes_no = results["banque_principale"]
    assert [(cell.label, cell.count) for cell in yes_no.distribution] == [("Oui", 4), ("Non", 3)]
    dates = results["date_ouverture"]
    assert dates.low.year == 2015 and dates.high.year == 2021


def test_matrix_table_per_row(answered, everything_shown):
    matrix = results_by_code(answered)["criteres"]
    lines = {line["code"]: line for line in matrix.matrix}
    assert [cell.count for cell in lines["securite"]["cells"]] == [0, 0, 7]
    assert [cell.count for cell in lines["simplicite"]["cells"]] == [0, 4, 3]
    assert lines["simplicite"]["mean"] == pytest.approx((4 * 2 + 3 * 3) / 7)
    assert matrix.matrix_columns == ["Faible", "Moyenne", "Forte"]


def test_ranking_average_positions_best_first(answered, everything_shown):
    ranking = results_by_code(answered)["priorites"].ranking
    assert [line["code"] for line in ranking] == ["alertes", "objectifs", "categories"]
    assert ranking[0]["average"] == pytest.approx((5 * 1 + 2 * 2) / 7) and ranking[0]["first"] == 5
    assert ranking[2]["average"] == 3


def test_free_texts_are_listed_newest_first_up_to_the_limit(answered, everything_shown):
    ideas = results_by_code(answered, text_limit=3)["idees"]
    assert len(ideas.texts) == 3 and ideas.text_count == 7
    assert HOSTILE in results_by_code(answered)["idees"].texts


def test_a_question_answered_by_too_few_shows_nothing(answered, settings):
    settings.PRIVACY_THRESHOLD = 8
    usage = results_by_code(answered)["usage"]
    assert usage.suppressed and usage.respondents is None and usage.distribution == [] and usage.texts == []


def test_small_answer_counts_are_suppressed_in_a_shown_question(answered):
    usage = results_by_code(answered)["usage"]  # jour 4, semaine 2, mois 1, jamais 0 among 7
    assert [cell.count for cell in usage.distribution] == [None, None, None, None]  # 0 too: not "no one"
    assert usage.distribution[0].share is None


def test_median_and_top_two_box_helpers():
    assert weighted_median([(1, 1), (2, 1), (3, 1), (4, 1)]) == 2.5
    assert weighted_median([(5, 3)]) == 5 and weighted_median([]) is None
    assert top_two_box([(5, 1), (4, 1), (1, 2)], 5) == 0.5 and top_two_box([], 5) is None


def test_cross_tab_by_region_suppresses_small_groups(answered):
    usage = Question.objects.get(survey=answered, code="usage")
    table = cross_tab(usage, "region")
    columns = [(column["label"], column["respondents"]) for column in table.columns]
    assert len(columns) == 16 and columns[-1][0] == "Non renseigné"  # every region, answered or not
    # 5 Bretons and 2 Franciliens of 7: the 5 would give the 2 back
    assert {respondents for _label, respondents in columns} == {None}
    rows = {row["code"]: row for row in table.rows}
    assert {cell.count for cell in rows["jour"]["cells"]} == {None}  # 3 Bretons: under 5


def test_cross_tab_by_region_and_segment_with_everything_shown(answered, everything_shown):
    usage = Question.objects.get(survey=answered, code="usage")
    table = cross_tab(usage, "region")
    rows = {row["code"]: row for row in table.rows}
    labels = [column["label"] for column in table.columns]
    bretagne, idf = labels.index("Bretagne"), labels.index("Île-de-France")
    assert [rows["jour"]["cells"][bretagne].count, rows["jour"]["cells"][idf].count] == [3, 1]
    assert rows["jour"]["cells"][bretagne].share == pytest.approx(3 / 5)
    by_segment = cross_tab(usage, "segment")
    assert [column["label"] for column in by_segment.columns] == ["Bretons", "Franciliens choisis"]
    assert [column["respondents"] for column in by_segment.columns] == [5, 2]
    nps = Question.objects.get(survey=answered, code="nps")
    by_age = cross_tab(nps, "age_band")
    young = [column["label"] for column in by_age.columns].index("25 à 34 ans")
    assert by_age.rows[10]["cells"][young].count == 1  # one Breton gave 10
    assert cross_tab(Question.objects.get(survey=answered, code="criteres"), "region") is None


def test_an_anonymous_survey_gives_the_same_figures(answered, everything_shown):
    Survey.objects.filter(pk=answered.pk).update(anonymous=True)
    answered.refresh_from_db()
    assert results_by_code(answered)["usage"].respondents == 7
