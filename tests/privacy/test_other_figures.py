"""Attacks on the other places figures about ambassadors reach a person: the campaign's overview
(``campaign_actions:overview``) and the live campaigns' panel on the admin home (``wagtailadmin_home``), as the
analyst sees them; the weekly email; the public results of a closed campaign; the report's charts
(``reports:chart``, ``reports:question_chart``), drawn from the protected figures only."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Invitation
from campaigns.sending.viewsets import LiveCampaignsPanel
from cms.results import campaign_results
from reports import charts
from reports.rates import STEP_KEYS, funnel, funnel_by_day
from reports.weekly import weekly_message
from tests.privacy import attacks

pytestmark = pytest.mark.django_db
PROGRESS = {"responded": "answered", "unsubscribed": "opted_out"}


def as_counts(figures):
    """The overview's figures under the funnel's names, a withheld one ("< 5") as None."""
    return {PROGRESS.get(name, name): value if isinstance(value, int) else None for name, value in figures.items()}


def test_the_campaign_overview_gives_no_small_group_to_the_analyst(client_for, analyst_user, known):
    response = client_for(analyst_user).get(reverse("campaign_actions:overview", args=[known.pk]))
    counts = as_counts(response.context["figures"])
    assert counts["answered"] is None and counts["bounced"] is None  # were 4 and 1
    assert attacks.funnel_row({step: counts.get(step) for step in STEP_KEYS if step in counts}, "overview") == []
    assert attacks.small_counts([counts[name] for name in ("failed", "waiting", "skipped")], "overview") is None


def test_the_product_team_keeps_its_exact_operational_figures(client_for, product_user, known):
    response = client_for(product_user).get(reverse("campaign_actions:overview", args=[known.pk]))
    assert response.context["figures"]["responded"] == 4


def test_the_home_panel_gives_no_small_group_to_the_analyst(client_for, analyst_user, known):
    response = client_for(analyst_user).get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    rows = LiveCampaignsPanel().get_context_data({"request": response.wsgi_request})["rows"]
    [figures] = [figures for campaign, figures in rows if campaign.pk == known.pk]
    counts = as_counts(figures)
    assert counts["answered"] is None  # 4 answered
    assert attacks.funnel_row(counts, "panel") == []


def test_the_weekly_email_shows_only_protected_figures(known, product_user):
    Campaign.objects.filter(pk=known.pk).update(owner=product_user)
    text = weekly_message(Campaign.objects.select_related("owner").get(pk=known.pk)).body
    lines = dict(line.split(" : ", 1) for line in text.splitlines() if " : " in line)
    assert lines["Ont répondu"] != "4" and lines["Rejetés"] != "1"


def test_the_public_results_do_not_give_the_one_who_did_not_take_part(known):
    Invitation.objects.filter(campaign=known).exclude(status=Invitation.Status.SKIPPED).update(
        responded_at=timezone.now()
    )
    Invitation.objects.filter(pk=Invitation.objects.filter(campaign=known).order_by("pk").first().pk).update(
        responded_at=None
    )
    Campaign.objects.filter(pk=known.pk).update(status=Campaign.Status.CLOSED, closed_at=timezone.now())
    results = campaign_results(known)
    assert attacks.by_nesting(results["invited"], results["participants"], "public") is None


def test_charts_are_drawn_from_the_protected_figures(client_for, analyst_user, known):
    client = client_for(analyst_user)
    drawn = client.get(reverse("reports:chart", args=[known.pk, "timeline"])).content
    assert drawn == charts.timeline_chart(funnel_by_day(known))
    assert client.get(reverse("reports:chart", args=[known.pk, "funnel"])).content == charts.funnel_chart(funnel(known))


def test_question_charts_are_drawn_from_the_protected_figures(client_for, analyst_user, known, thirteen):
    from reports.survey_stats import survey_results
    from surveys.models import Question

    question = Question.objects.get(survey=thirteen, code="banque_principale")
    url = reverse("reports:question_chart", args=[known.pk, question.pk])
    [result] = survey_results(thirteen, text_limit=0, only=question.pk)
    assert result.distribution[1].count is None  # one "no"
    assert client_for(analyst_user).get(url).content == charts.question_chart(result)


def test_the_engagement_report_gives_no_small_tier_back_to_the_analyst(client_for, analyst_user):
    from campaigns.models import EngagementScore, Tier
    from reports.engagement import engagement_report
    from tests.reports.test_engagement import community

    community(members=10, contributors=6, pioneers=7)
    EngagementScore.objects.filter(ambassador__email="contributeur0@exemple.fr").update(
        tier=Tier.objects.get(code="expert"), score=70
    )
    page = client_for(analyst_user).get(reverse("reports:engagement"))
    assert page.status_code == 200 and "contributeur0@exemple.fr" not in page.content.decode()
    shown = [line.count for line in engagement_report().tiers]
    assert shown[2] is None and shown.count(None) != 1  # the one expert, and no tier given back by subtraction
