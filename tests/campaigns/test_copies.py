from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.copies import campaign_copy
from campaigns.models import Campaign, Reminder, Tier
from campaigns.sending.launch import launch_problems
from cms.models import CampaignPage
from ideas.models import Board, Category
from surveys.models import Question, Section, Survey
from tests.admin_pages import refused
from tests.campaigns.factories import campaign, region_segment
from tests.cms.factories import campaign_index, campaign_page, home_page
from tests.surveys.factories import budget_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    original = campaign(slug="banque-mobile", segments=[region_segment()], kind=Campaign.Kind.BOTH)
    original.reserved_tiers.set([Tier.objects.get(code="expert")])
    Reminder.objects.create(campaign=original, days_after=3, subject_fr="Relance {prenom}", body_fr="Il reste {lien}")
    budget_survey(original)
    board = Board.objects.create(campaign=original, intro_fr="Vos idées", vote_budget=3)
    Category.objects.create(board=board, slug="appli", name_fr="Application", sort_order=0)
    campaign_page(campaign_index(home_page()), original, intro="Votre banque mobile, pensée avec vous.")
    launched = timezone.now() - timedelta(days=40)
    Campaign.objects.filter(pk=original.pk).update(
        status=Campaign.Status.CLOSED, launched_at=launched, closed_at=launched + timedelta(days=30)
    )
    original.refresh_from_db()
    return original


def test_a_copy_is_a_new_draft_with_the_emails_survey_board_and_page(source):
    copy = campaign_copy(source)
    assert (copy.status, copy.slug, copy.title) == (
        Campaign.Status.DRAFT,
        "banque-mobile-copie",
        f"Copie de {source.title}",
    )
    assert (copy.subject_fr, copy.body_en) == (source.subject_fr, source.body_en)
    assert list(copy.segments.all()) == list(source.segments.all())
    assert [tier.code for tier in copy.reserved_tiers.all()] == ["expert"]
    assert list(copy.reminders.values_list("days_after", "subject_fr", "started_at")) == [(3, "Relance {prenom}", None)]
    survey, original = Survey.objects.get(campaign=copy), Survey.objects.get(campaign=source)
    assert Question.objects.filter(survey=survey).count() == Question.objects.filter(survey=original).count()
    conditional = Section.objects.filter(survey=survey, show_if_question__isnull=False)
    assert conditional.exists() and all(section.show_if_question.survey_id == survey.pk for section in conditional)
    assert not survey.responses.exists()
    board = Board.objects.get(campaign=copy)
    assert (board.intro_fr, board.vote_budget, list(board.categories.values_list("slug", flat=True))) == (
        "Vos idées",
        3,
        ["appli"],
    )
    page = CampaignPage.objects.get(campaign=copy)
    assert not page.live and page.title == copy.title
    assert CampaignPage.objects.get(campaign=source).live


def test_copies_of_copies_get_slugs_of_their_own(source):
    slugs = [campaign_copy(source).slug for _ in range(3)]
    assert slugs == ["banque-mobile-copie", "banque-mobile-copie-2", "banque-mobile-copie-3"]


def test_a_template_does_not_launch_and_its_copy_does_not_stay_a_template(source):
    template = campaign_copy(source, as_template=True)
    assert "Un modèle de campagne ne se lance pas : dupliquez-le." in launch_problems(template)
    assert not campaign_copy(template).is_template


def test_the_product_team_copies_from_the_follow_up_page_and_an_analyst_cannot(
    source, client_for, product_user, analyst_user
):
    url = reverse("campaign_actions:action", args=[source.pk, "copy"])
    assert refused(client_for(analyst_user).post(url))
    assert Campaign.objects.count() == 1
    response = client_for(product_user).post(url)
    copy = Campaign.objects.exclude(pk=source.pk).get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{copy.pk}/")
