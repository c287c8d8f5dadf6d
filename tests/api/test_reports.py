import pytest

from campaigns.models import Ambassador
from reports.models import ExportJob
from tests.campaigns.factories import ambassador, launched_campaign, region_segment
from tests.surveys.factories import budget_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def live():
    for n in range(7):
        ambassador(f"breton{n}@exemple.fr", region="bre")
    return launched_campaign([region_segment()], prepare=budget_survey, kind="survey")


def test_figures_are_protected_as_on_the_report_page(api_for, live):
    figures = api_for("analyst").get(f"/campaigns/{live.pk}/figures").json()
    assert figures["counts"]["invited"] == 7
    assert figures["counts"]["answered"] is None  # nobody answered: withheld, as "fewer than k"


def test_survey_results_withhold_a_question_answered_by_fewer_than_k(api_for, live):
    results = api_for("analyst").get(f"/campaigns/{live.pk}/survey-results").json()
    assert results and all(question["suppressed"] and question["respondents"] is None for question in results)


def test_segment_sizes_are_exact_for_the_product_team_and_rounded_for_analysts(api_for):
    for n in range(7):
        ambassador(f"breton{n}@exemple.fr", region="bre")
    region_segment()
    assert api_for("product").get("/segments").json()[0]["size"] == 7
    assert api_for("analyst").get("/segments").json()[0]["size"] == 5
    Ambassador.objects.filter(email="breton0@exemple.fr").delete()
    Ambassador.objects.filter(email="breton1@exemple.fr").delete()
    Ambassador.objects.filter(email="breton2@exemple.fr").delete()
    assert api_for("analyst").get("/segments").json()[0]["size"] is None


def test_an_export_job_runs_and_only_its_key_may_fetch_it(api_for, live, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        started = api_for("analyst").post(f"/campaigns/{live.pk}/exports", {"format": "csv", "table": "summary"})
    assert started.status_code == 202
    job_id = started.json()["id"]
    status = api_for("analyst").get(f"/exports/{job_id}").json()
    assert status["status"] == "done", status["error"]
    content = b"".join(api_for("analyst").get(f"/exports/{job_id}/file").streaming_content).decode("utf-8-sig")
    assert "7" in content and "breton" not in content  # analysts' files name no one
    assert api_for("product").get(f"/exports/{job_id}").status_code == 404  # another client's job
    assert ExportJob.objects.get().created_by.api_key.name == "crm-analyst"


def test_a_table_the_role_may_not_read_is_refused_naming_the_choices(api_for, live):
    answer = api_for("analyst").post(f"/campaigns/{live.pk}/exports", {"format": "csv", "table": "invitations"})
    assert answer.status_code == 400 and "invitations" not in answer.json()["detail"]
    answer = api_for("product").post(f"/campaigns/{live.pk}/exports", {"format": "csv", "table": "secrets"})
    assert answer.status_code == 400 and "invitations" in answer.json()["detail"]


def test_themes_are_protected_as_on_the_report_page(api_for):
    from tests.reports.listening.fixtures import COMPLAINTS_PHONE, PRAISE_APP
    from tests.reports.listening.writing import ideas_written

    for n in range(12):
        ambassador(f"breton{n}@exemple.fr", region="bre")
    target = launched_campaign([region_segment()], kind="ideas")
    ideas_written(target, [*COMPLAINTS_PHONE, *PRAISE_APP[:4]])
    themes = api_for("analyst").get(f"/campaigns/{target.pk}/themes").json()
    assert themes["texts"] == 10 and themes["sources"] == {"ideas": 10}
    assert [theme["rank"] for theme in themes["themes"]] == [1] and themes["hidden_themes"] == 1
    pain = themes["themes"][0]
    assert "telephone" in pain["terms"] and pain["authors"] == 6 and len(pain["quotes"]) == 3
    assert themes["sentiments"]["positive"] is None  # 4 authors, under k


def test_a_campaign_without_free_text_has_no_themes(api_for, live):
    themes = api_for("analyst").get(f"/campaigns/{live.pk}/themes").json()
    assert themes["texts"] == 0 and themes["themes"] == []
