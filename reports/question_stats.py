"""Questions to the team in a campaign's report: the questions most voted first, and the team's answers by how
useful ambassadors found them. Counts of people go through the privacy layer (under k, withheld); a share of
useful ratings is given over k ratings or more only."""

from dataclasses import dataclass

from campaigns.privacy import is_shown, shown
from ideas.models import Idea, Moderation, StatusChange
from ideas.questions import answer_counts

LIMIT = 20


@dataclass
class QuestionLine:
    title: str
    votes: int | None
    answered: bool


@dataclass
class AnswerLine:
    question: str
    answer: str
    ratings: int | None
    useful_percent: float | None


def questions_by_votes(campaign, limit=LIMIT):
    questions = (
        Idea.objects.filter(campaign=campaign, kind=Idea.Kind.ASK, moderation=Moderation.APPROVED)
        .order_by("-vote_count", "-id")
        .only("title", "vote_count")[:limit]
    )
    answered = set(
        StatusChange.objects.filter(idea__in=questions).exclude(answer_fr="").values_list("idea_id", flat=True)
    )
    return [QuestionLine(q.title, shown(q.vote_count), q.pk in answered) for q in questions]


def answers_by_rating(campaign, limit=LIMIT):
    answers = list(
        StatusChange.objects.filter(
            idea__campaign=campaign, idea__kind=Idea.Kind.ASK, idea__moderation=Moderation.APPROVED
        )
        .exclude(answer_fr="")
        .select_related("idea")
    )
    counts = answer_counts(answers)
    lines = []
    for change in answers:
        useful, not_useful = counts.get(change.pk, (0, 0))
        total = useful + not_useful
        percent = round(100 * useful / total, 1) if is_shown(total) and total else None
        lines.append(AnswerLine(change.idea.title, change.answer_fr, shown(total), percent))
    lines.sort(key=lambda line: (line.useful_percent is None, -(line.useful_percent or 0)))
    return lines[:limit]
