"""Ideas and comments are listened to like survey answers: analysed as they arrive (a django-q2 task queued when
one is saved) and in bulk for a campaign, and shown in the report with their sources and weekly trend."""

from django.core.management import call_command
from django_q.conf import Conf

from ideas.models import Board, Comment, Idea
from ideas.posting import comment_post, idea_post
from reports import tasks
from reports.listening.campaign_listening import campaign_listening
from reports.listening.contributions import contributions_analyse, idea_text
from reports.models import ContributionAnalysis
from tests.reports.conftest import T0
from tests.reports.listening.fixtures import COMPLAINTS_PHONE, FEES, PRAISE_APP
from tests.reports.listening.writing import authors_of, comments_written, ideas_written, weeks_later


def test_an_idea_and_a_comment_are_analysed_as_they_arrive(known, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(Conf, "SYNC", True)  # django-q2 runs the queued task here, as a worker would
    board = Board.objects.create(campaign=known)
    author, other = authors_of(known)[:2]
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_post(board=board, ambassador=author, title="Virements", body="Lamentable, jamais de réponse.")
        comment = comment_post(board=board, idea=idea, ambassador=other, body="Excellente idée, merci !")
    assert ContributionAnalysis.objects.get(idea=idea).sentiment == "negative"
    assert ContributionAnalysis.objects.get(comment=comment).sentiment == "positive"
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.filter(pk=comment.pk).update(body="Nul.")  # an update() queues nothing...
        comment.body = "Décevant, nul, inadmissible."
        comment.save(update_fields=["body"])  # ...an edit does
    assert ContributionAnalysis.objects.get(comment=comment).sentiment == "negative"


def test_the_task_of_a_deleted_idea_does_nothing(known):
    assert tasks.listening_contribution("idea", 0) is False


def test_a_campaign_is_analysed_in_bulk_by_the_command(known, capsys):
    ideas = ideas_written(known, PRAISE_APP)
    comments_written(ideas[0], COMPLAINTS_PHONE[:2])
    call_command("analyse_campaign", str(known.pk))
    assert "0 answers, 6 ideas, 2 comments analysed" in capsys.readouterr().out
    assert ContributionAnalysis.objects.filter(idea__campaign=known, sentiment="positive").count() == 6
    assert contributions_analyse(known) == {"idea": 0, "comment": 0}
    call_command("analyse_campaign", str(known.pk), "--again")
    assert "6 ideas, 2 comments" in capsys.readouterr().out


def test_the_schedule_analyses_ideas_and_comments_too(known):
    comments_written(ideas_written(known, FEES)[0], PRAISE_APP[:1])
    assert tasks.listening_batch() == 6 and tasks.listening_batch() == 0


def test_an_idea_reads_as_its_title_then_its_description():
    assert idea_text("Frais", "trop chers") == "Frais. trop chers" and idea_text("Frais ?", "") == "Frais ?"


def test_the_report_listens_to_ideas_and_comments_with_a_weekly_trend(known, settings):
    settings.PRIVACY_THRESHOLD = 5
    ideas = ideas_written(known, COMPLAINTS_PHONE, at=T0)
    ideas_written(known, PRAISE_APP, start=6, at=weeks_later(T0, 2))
    comments_written(ideas[0], FEES, start=12, at=weeks_later(T0, 2))  # 5 authors from the 13th
    Idea.objects.create(campaign=known, title="Équipe : merci à tous", author=None)  # the team's: not listened to
    listening = campaign_listening(known)
    assert listening.texts == 17 and listening.sources == {"ideas": 12, "comments": 5}
    assert listening.weeks == ["2026-W10", "2026-W11", "2026-W12"]
    pain = listening.themes[0]
    assert pain.rank == 1 and "telephone" in pain.terms and pain.authors == 6
    assert pain.weeks == [("2026-W10", 6), ("2026-W11", None), ("2026-W12", None)]
    praise = next(theme for theme in listening.themes if "mobile" in theme.terms)
    assert praise.weeks[-1] == ("2026-W12", 6) and praise.rank == len(listening.themes)
