import pytest

from surveys.models import Question, Survey
from surveys.results import choice_counts, number_summary, response_rows
from tests.surveys.test_views import page_one, page_three, page_two, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(visitor, survey):
    post(visitor, 1, page_one(survey))
    post(visitor, 2, page_two(survey))
    post(visitor, 3, page_three(survey))
    return survey


def test_distributions_and_means_are_single_aggregate_queries(answered, django_assert_num_queries):
    usage, matrix, nps = (Question.objects.get(survey=answered, code=code) for code in ("usage", "criteres", "nps"))
    with django_assert_num_queries(1):
        assert choice_counts(usage) == {(None, "jour"): 1}
    with django_assert_num_queries(1):
        assert choice_counts(matrix) == {("securite", "3"): 1, ("simplicite", "2"): 1, ("prix", "1"): 1}
    with django_assert_num_queries(1):
        summary = number_summary(nps)
    assert summary["count"] == 1 and summary["mean"] == 9 and summary["low"] == summary["high"] == 9


def test_response_rows_name_the_ambassador_unless_the_survey_is_anonymous(answered, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        [row] = list(response_rows(answered))
    assert row["ambassador"] == "lea@exemple.fr" and row["usage"] == ["jour"] and row["nps"][0] == 9
    assert sorted(row["criteres"]) == ["prix:1", "securite:3", "simplicite:2"]
    Survey.objects.filter(pk=answered.pk).update(anonymous=True)
    answered.refresh_from_db()
    [row] = list(response_rows(answered))
    assert row["ambassador"] is None and "lea@exemple.fr" not in repr(row)


def test_unsubmitted_responses_do_not_count(visitor, survey):
    post(visitor, 1, page_one(survey))
    assert choice_counts(Question.objects.get(survey=survey, code="usage")) == {}
    assert list(response_rows(survey)) == []
