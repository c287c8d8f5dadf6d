"""The schedule analyses every new free text once, in batches, and the report uses what it stored."""

from django_q.models import Schedule

from campaigns.models import Invitation
from reports import tasks
from reports.listening.batch import texts_analyse
from reports.listening.campaign_listening import campaign_listening
from reports.models import TextAnalysis
from surveys.models import Answer
from tests.reports.conftest import respond
from tests.reports.listening.fixtures import COMPLAINTS_PHONE, PRAISE_APP


def answered_freely(survey, texts, *, submitted=True):
    invitations = Invitation.objects.filter(campaign=survey.campaign).exclude(status=Invitation.Status.SKIPPED)
    for invitation, text in zip(invitations.order_by("pk"), texts):
        respond(invitation, survey, submitted=submitted, usage="jour", idees=text)


def test_new_free_texts_are_analysed_once_in_batches(survey, django_assert_max_num_queries):
    answered_freely(survey, [*COMPLAINTS_PHONE, *PRAISE_APP])
    with django_assert_max_num_queries(13):
        assert texts_analyse(batch=5) == 12  # three batches of 5, 5, 2, and one read that finds none
    assert texts_analyse() == 0
    stored = dict(TextAnalysis.objects.values_list("answer__text", "sentiment"))
    assert {stored[text] for text in COMPLAINTS_PHONE} == {"negative"}
    assert {stored[text] for text in PRAISE_APP} == {"positive"}
    assert set(TextAnalysis.objects.values_list("language", flat=True)) == {"fr"}


def test_the_analysis_of_a_deleted_answer_goes_at_the_next_run_and_deleting_stays_one_query(
    survey, django_assert_num_queries
):
    answered_freely(survey, COMPLAINTS_PHONE)
    texts_analyse()
    gone = Answer.objects.filter(text=COMPLAINTS_PHONE[0])
    with django_assert_num_queries(1):
        gone.delete()
    assert TextAnalysis.objects.count() == len(COMPLAINTS_PHONE)
    texts_analyse()
    assert TextAnalysis.objects.count() == len(COMPLAINTS_PHONE) - 1


def test_unsubmitted_answers_and_other_answers_wait(survey):
    answered_freely(survey, COMPLAINTS_PHONE, submitted=False)
    assert tasks.listening_batch() == 0


def test_the_report_uses_the_stored_sentiment(survey, settings):
    settings.PRIVACY_THRESHOLD = 5
    answered_freely(survey, [*COMPLAINTS_PHONE, *PRAISE_APP])
    texts_analyse()
    TextAnalysis.objects.filter(answer__text__in=PRAISE_APP).update(sentiment="negative", score=-0.9)
    listening = campaign_listening(survey.campaign)
    assert listening.sentiments["positive"] is None and listening.sentiments["negative"] == 12


def test_the_listening_schedule_runs_every_ten_minutes(db):
    schedule = Schedule.objects.get(name="reports: listening")
    assert schedule.func == "reports.tasks.listening_batch" and schedule.minutes == 10
