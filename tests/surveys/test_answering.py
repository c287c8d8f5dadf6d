import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.answering import survey_plan
from surveys.models import Answer, Question, Response
from surveys.types import question_type
from tests.surveys.test_views import field, page_one, page_three, page_two, page_url, post

K = Question.Kind


def test_a_loop_of_conditions_shows_nothing_of_it(survey):
    first, second = Question.objects.filter(survey=survey, code__in=["usage", "interet"]).order_by("pk")
    Question.objects.filter(pk=first.pk).update(show_if_question=second, show_if_values="*")
    Question.objects.filter(pk=second.pk).update(show_if_question=first, show_if_values="*")
    plan = survey_plan(survey)
    shown = {question.code for section in plan.visible_sections() for question in plan.visible_questions(section)}
    assert "usage" not in shown and "interet" not in shown and "nps" in shown


def stored_answers_are_valid(survey):
    """Every stored answer is one the form could have accepted."""
    for answer in Answer.objects.select_related("question", "choice", "row"):
        question = answer.question
        assert answer.choice is None or answer.choice.question_id == question.pk
        assert answer.row is None or answer.row.question_id == question.pk
        if question.kind in (K.SCALE, K.NPS, K.YES_NO):
            low, high = {K.SCALE: (1, question.points), K.NPS: (0, 10), K.YES_NO: (0, 1)}[question.kind]
            assert low <= answer.number <= high and answer.number == int(answer.number)
        if question.kind == K.NUMBER:
            assert question.min_value <= answer.number <= question.max_value
        if question.kind in (K.SHORT_TEXT, K.LONG_TEXT):
            assert 0 < len(answer.text) <= question_type(question.kind).max_length and "\x00" not in answer.text
        if question.kind in (K.SINGLE, K.LIKERT, K.MATRIX, K.RANKING, K.MULTIPLE):
            assert answer.choice or (question.allow_other and answer.text)
        if question.kind == K.MULTIPLE_NUMERIC:
            assert answer.row and answer.number >= question.min_value
    per_question = Answer.objects.values("response", "question__kind", "question__max_choices", "question").annotate(
        rows=Count("pk"),
        distinct_rows=Count("row", distinct=True),
        ranks=Count("number", distinct=True),
        sum=Sum("number"),
    )
    for group in per_question:
        if group["question__kind"] in (
            K.SINGLE,
            K.LIKERT,
            K.YES_NO,
            K.SCALE,
            K.NPS,
            K.NUMBER,
            K.DATE,
            K.SHORT_TEXT,
            K.LONG_TEXT,
        ):
            assert group["rows"] == 1, group
        if group["question__kind"] == K.MULTIPLE and group["question__max_choices"]:
            assert group["rows"] <= group["question__max_choices"]
        if group["question__kind"] == K.RANKING:
            assert group["ranks"] == group["rows"]
        if group["question__kind"] == K.MULTIPLE_NUMERIC:  # one answer per item, never over the total (10)
            assert group["distinct_rows"] == group["rows"] and group["sum"] <= 10
        if group["question__kind"] == K.MATRIX:
            assert group["distinct_rows"] == group["rows"]


values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "1",
            "5",
            "11",
            "-1",
            "0",
            "oui",
            "non",
            "jour",
            "budget",
            "__other__",
            "1e309",
            "NaN",
            "2020-02-30",
            "1 000,5",
            "x" * 600,
        ]
    ),
    st.lists(st.sampled_from(["budget", "epargne", "carte", "virement", "__other__", "nope"]), max_size=6),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(number=st.integers(min_value=1, max_value=3), picks=st.data(), action=st.sampled_from(["next", "back", "later"]))
def test_arbitrary_form_data_never_breaks_the_answer_page_nor_stores_an_invalid_answer(
    visitor, survey, number, picks, action
):
    known = list(Question.objects.filter(survey=survey).values_list("pk", flat=True))
    names = [f"q{pk}" for pk in known] + [f"q{pk}_other" for pk in known] + ["action", "q999999", "q1_r999"]
    ranked = Question.objects.get(survey=survey, code="priorites")
    names += [f"q{ranked.pk}_c{pk}" for pk in ranked.choices.values_list("pk", flat=True)]
    split = Question.objects.get(survey=survey, code="repartition")
    names += [f"q{split.pk}_r{pk}" for pk in split.rows.values_list("pk", flat=True)] * 3  # drawn more often
    data = picks.draw(st.dictionaries(st.sampled_from(names), values, max_size=12))
    data = {
        key: ([item.replace("\x00", "") for item in value] if isinstance(value, list) else value)
        for key, value in data.items()
    }  # the test client cannot send NUL bytes in a form; the server refuses them
    data["action"] = action
    response = visitor.post(page_url(number), data)
    assert response.status_code in (200, 302, 400), response.status_code
    stored_answers_are_valid(survey)
    assert Response.objects.count() <= 1


def test_a_nul_byte_in_a_text_answer_is_refused(visitor, survey):
    post(visitor, 1, page_one(survey))
    post(visitor, 2, page_two(survey))
    page = post(visitor, 3, {**page_three(survey), field(survey, "idees"): "avec\x00nul"})
    assert page.status_code == 400
    assert not Answer.objects.filter(question__code="idees").exists()


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the live server shares one in-memory SQLite connection "
    "between its threads: concurrency is tested on PostgreSQL (.ci/run)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # content types survive for Wagtail
def test_submitting_the_same_response_several_times_at_once_stores_one_response(live_server, invitation, survey):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{live_server.url}/i/{invitation.token}/")

    def submit(number, data, barrier=None):
        page = opener.open(f"{live_server.url}{page_url(number)}").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token, "action": "next"}, doseq=True).encode()
        request = urllib.request.Request(
            f"{live_server.url}{page_url(number)}", data=body, headers={"Referer": live_server.url}
        )
        if barrier:
            barrier.wait()
        return opener.open(request).geturl()

    submit(1, page_one(survey))
    submit(2, page_two(survey))
    barrier = threading.Barrier(6)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(submit(3, page_three(survey), barrier))) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6 and all(url.endswith("/merci/") for url in results), results
    assert Response.objects.count() == 1
    rows = Counter(Answer.objects.values_list("question__code", flat=True))
    assert rows["nps"] == 1 and rows["montant"] == 1 and rows["idees"] == 1 and rows["usage"] == 1
    assert Response.objects.get().submitted_at is not None
