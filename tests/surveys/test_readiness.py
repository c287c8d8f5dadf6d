"""A survey with nothing to answer cannot launch (``surveys.readiness``, plugged into the launch through the
survey destination)."""

import pytest

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import LaunchError, campaign_launch, launch_problems
from surveys.models import Question, Section, Survey
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def target():
    ambassador("lea@exemple.fr", region="bre")
    return campaign(segments=[region_segment()], kind=Campaign.Kind.SURVEY)


def empty_survey(target):
    survey = Survey.objects.create(campaign=target, title_fr="Rien <b>à dire</b>")
    section = Section.objects.create(survey=survey, sort_order=0, title_fr="Page 1")
    Question.objects.create(
        survey=survey, section=section, sort_order=0, code="info", kind=Question.Kind.DISPLAY, text_fr="Bonjour"
    )
    return survey


def test_a_survey_with_only_displayed_text_cannot_launch_and_says_why(target):
    empty_survey(target)
    problems = launch_problems(target)
    assert any("n'a aucune question à laquelle répondre" in problem for problem in problems)
    assert any("Rien <b>à dire</b>" in problem for problem in problems)  # the admin escapes it when shown
    with pytest.raises(LaunchError):
        campaign_launch(target)
    assert not Invitation.objects.exists()
    target.refresh_from_db()
    assert target.status == Campaign.Status.DRAFT


def test_a_survey_without_any_page_cannot_launch(target):
    Survey.objects.create(campaign=target, title_fr="Vide")
    assert any("aucune question" in problem for problem in launch_problems(target))


def test_one_question_to_answer_is_enough(target):
    survey = empty_survey(target)
    Question.objects.create(
        survey=survey, section=survey.sections.get(), sort_order=1, code="q1", kind="short_text", text_fr="Et ?"
    )
    assert launch_problems(target) == []
    campaign_launch(target)
    assert Invitation.objects.count() == 1


def test_a_campaign_without_survey_still_gets_the_missing_survey_reason(target):
    problems = launch_problems(target)
    assert any("sans questionnaire" in problem for problem in problems)
    assert not any("aucune question" in problem for problem in problems)
