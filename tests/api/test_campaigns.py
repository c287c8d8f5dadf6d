import pytest

from campaigns.models import Campaign
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    for n in range(6):
        ambassador(f"breton{n}@exemple.fr", region="bre")
    return campaign(segments=[region_segment()])


def test_list_copy_launch_and_close_a_campaign(api_for, draft):
    api = api_for("product")
    assert [row["slug"] for row in api.get("/campaigns").json()] == ["banque-mobile"]
    copy = api.post(f"/campaigns/{draft.pk}/copy", {"title": "Deuxième vague", "slug": "vague-2"})
    assert copy.status_code == 201 and copy.json()["status"] == "draft"
    copied = Campaign.objects.get(slug="vague-2")
    assert copied.subject_fr == draft.subject_fr and list(copied.segments.all()) == list(draft.segments.all())
    assert api.post(f"/campaigns/{draft.pk}/copy", {"title": "x", "slug": "vague-2"}).status_code == 400
    assert api.post(f"/campaigns/{copied.pk}/launch").json() == {"invitations": 6}
    assert api.post(f"/campaigns/{copied.pk}/launch").status_code == 400
    assert api.post(f"/campaigns/{copied.pk}/close").json() == {"closed": True}
    assert api.post(f"/campaigns/{copied.pk}/close").json() == {"closed": False}
    assert [row["slug"] for row in api.get("/campaigns", status="closed").json()] == ["vague-2"]


def test_a_campaign_that_cannot_launch_says_why(api_for):
    target = campaign(kind=Campaign.Kind.SURVEY)
    answer = api_for("product").post(f"/campaigns/{target.pk}/launch")
    assert answer.status_code == 400 and "questionnaire" in str(answer.json()["detail"])


def test_unknown_campaign_is_404(api_for):
    assert api_for("product").post("/campaigns/999999/close").status_code == 404
