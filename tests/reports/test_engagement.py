import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import EngagementScore, Tier
from reports.engagement import engagement_report
from tests.admin_pages import refused
from tests.campaigns.factories import ambassador

pytestmark = pytest.mark.django_db


def community(members, contributors, pioneers):
    """Ambassadors who never took part (members), contributors (25 points) and pioneers (160 points)."""
    tiers = {tier.code: tier for tier in Tier.objects.all()}
    now = timezone.now()
    for number in range(members):
        ambassador(f"membre{number}@exemple.fr")
    for number in range(contributors):
        person = ambassador(f"contributeur{number}@exemple.fr")
        EngagementScore.objects.create(ambassador=person, score=25, tier=tiers["contributeur"], computed_at=now)
    for number in range(pioneers):
        person = ambassador(f"pionnier{number}@exemple.fr")
        EngagementScore.objects.create(ambassador=person, score=160, tier=tiers["pionnier"], computed_at=now)


def test_the_report_gives_the_tiers_the_score_bands_and_the_share_of_the_core():
    community(members=10, contributors=5, pioneers=5)
    report = engagement_report()
    assert report.total == 20
    assert [(line.label, line.count) for line in report.tiers] == [
        ("Membre", 10),
        ("Contributeur", 5),
        ("Expert", None),  # 0 is withheld like any count under k
        ("Pionnier", 5),
    ]
    assert (report.core.label, report.core.count, report.core.percent) == ("Pionnier", 5, 25.0)
    bands = {line.label: line.count for line in report.bands}
    assert bands["0 – 10"] == 10 and bands["20 – 50"] == 5


def test_the_core_share_is_withheld_when_it_would_give_back_a_small_group():
    community(members=10, contributors=6, pioneers=7)
    tiers = {tier.code: tier for tier in Tier.objects.all()}
    EngagementScore.objects.filter(ambassador__email="contributeur0@exemple.fr").update(tier=tiers["expert"], score=70)
    report = engagement_report()
    # Expert (1) is withheld; alone it could be given back from the total: the smallest other tier goes too
    assert [line.count for line in report.tiers] == [10, None, None, 7]
    assert (report.core.count, report.core.percent) == (7, 30.4)


def test_a_small_community_shows_no_figure_that_would_single_someone_out():
    community(members=3, contributors=1, pioneers=1)
    report = engagement_report()
    assert report.total == 5
    assert all(line.count is None for line in report.tiers + report.bands)


def test_analysts_read_the_engagement_report_and_editors_do_not(client_for, analyst_user, editor_user):
    community(members=10, contributors=6, pioneers=7)
    Tier.objects.filter(code="expert").delete()
    url = reverse("reports:engagement")
    page = client_for(analyst_user).get(url)
    assert page.status_code == 200
    assert "7 ambassadeurs au palier Pionnier, soit 30,4 %" in " ".join(page.content.decode().split())
    assert "pionnier0@exemple.fr" not in page.content.decode()
    assert refused(client_for(editor_user).get(url))
