"""Hand-built campaigns whose figures are known: ambassadors in three regions, invitations in every state, a
survey answered by known values, ideas and votes."""

import secrets
from datetime import UTC, date, datetime, timedelta

import pytest

from campaigns.audience.segments import add_to_static_segment
from campaigns.models import Campaign, Invitation, Segment
from ideas.models import Board, Category, Contributor, Idea, Vote
from surveys.models import Answer, Question, Response
from tests.campaigns.factories import SCRIPT, ambassador, campaign, region_segment
from tests.surveys.factories import budget_survey

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 9:00 in Paris
HOSTILE = SCRIPT
Status = Invitation.Status


def refused(response):
    """Wagtail answers a refused admin page with 403, or a redirect to the dashboard or the login page."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and (
        response.url.rstrip("/").endswith("/admin") or "/admin/login/" in response.url
    )


def invite(
    target,
    person,
    *,
    status=Status.SENT,
    sent=True,
    opened=None,
    human=None,
    clicked=None,
    human_click=None,
    answered=None,
    opted_out=None,
    bounced=False,
):
    """An invitation in a known state; the other arguments are hours after T0 (None: never)."""
    at = lambda hours: None if hours is None else T0 + timedelta(hours=hours)  # noqa: E731
    return Invitation.objects.create(
        campaign=target,
        ambassador=person,
        token=secrets.token_hex(20),
        status=Status.BOUNCED if bounced else status,
        sent_at=T0 if sent else None,
        bounced_at=T0 + timedelta(minutes=5) if bounced else None,
        first_opened_at=at(opened),
        first_human_open_at=at(human),
        open_count=1 if opened is not None else 0,
        first_clicked_at=at(clicked),
        first_human_click_at=at(human_click),
        click_count=1 if clicked is not None else 0,
        responded_at=at(answered),
        unsubscribed_at=at(opted_out),
    )


def people(prefix, count, **fields):
    return [ambassador(f"{prefix}.{number}@exemple.fr", last_name=f"Nom{number}", **fields) for number in range(count)]


@pytest.fixture
def known(db):
    """A live campaign: 10 Bretons (25-34), 6 Franciliens (35-44), 3 Aquitains (no age band), one skipped.

    Bretons: 1 bounced, 6 opened (4 humans, on day 0), 3 clicked (2 humans), 2 answered (day 1), 1 opted out.
    Franciliens: 3 opened (3 humans, day 1), 2 clicked (1 human), 2 answered (day 1). Aquitains: 1 opened (day 2).
    Totals: invited 19, sent 19, delivered 18, opened 10, human 7, clicked 5 (3 humans), answered 4, opted out 1,
    bounced 1.
    """
    bretons = people("breton", 10, region="bre", age_band="25-34")
    franciliens = people("francilien", 6, region="idf", age_band="35-44")
    aquitains = people("aquitain", 3, region="naq")
    skipped = ambassador("trop.sollicite@exemple.fr", region="bre")
    static = Segment.objects.create(name="Franciliens choisis", kind=Segment.Kind.STATIC)
    add_to_static_segment(static, [person.pk for person in franciliens[:3]])
    target = campaign(
        segments=[region_segment("Bretons", "bre"), static],
        kind=Campaign.Kind.BOTH,
        status=Campaign.Status.LIVE,
        launched_at=T0,
    )
    for number, person in enumerate(bretons):
        invite(
            target,
            person,
            bounced=number == 9,
            opened=1 if number < 6 else None,
            human=1 if number < 4 else None,
            clicked=2 if number < 3 else None,
            human_click=2 if number < 2 else None,
            answered=25 if number < 2 else None,
            opted_out=3 if number == 5 else None,
        )
    for number, person in enumerate(franciliens):
        invite(
            target,
            person,
            opened=26 if number < 3 else None,
            human=26 if number < 3 else None,
            clicked=27 if number < 2 else None,
            human_click=27 if number < 1 else None,
            answered=28 if number < 2 else None,
        )
    for number, person in enumerate(aquitains):
        invite(target, person, opened=49 if number == 0 else None)
    invite(target, skipped, status=Status.SKIPPED, sent=False)
    return target


@pytest.fixture
def survey(known):
    return budget_survey(known)


def respond(invitation, survey, *, submitted=True, **answers):
    """A response with answers given by question code: a choice code (single, Likert), codes (multiple, with
    "autre:<text>" for the other), True/False (yes/no), numbers, {row: choice} (matrix), {choice: rank}
    (ranking), a date, a text."""
    K = Question.Kind
    response = Response.objects.create(
        survey=survey, invitation=invitation, submitted_at=T0 + timedelta(days=1) if submitted else None
    )
    rows = []
    for code, value in answers.items():
        question = Question.objects.get(survey=survey, code=code)
        choices = {choice.code: (position, choice) for position, choice in enumerate(question.choices.all(), start=1)}
        if question.kind in (K.SINGLE, K.LIKERT):
            position, choice = choices[value]
            rows.append(
                Answer(question=question, choice=choice, number=position if question.kind == K.LIKERT else None)
            )
        elif question.kind == K.MULTIPLE:
            for item in value:
                if item.startswith("autre:"):
                    rows.append(Answer(question=question, text=item[6:]))
                else:
                    rows.append(Answer(question=question, choice=choices[item][1]))
        elif question.kind == K.YES_NO:
            rows.append(Answer(question=question, number=1 if value else 0))
        elif question.kind in (K.SCALE, K.NPS, K.NUMBER):
            rows.append(Answer(question=question, number=value))
        elif question.kind == K.MATRIX:
            by_row = {row.code: row for row in question.rows.all()}
            for row_code, choice_code in value.items():
                position, choice = choices[choice_code]
                rows.append(Answer(question=question, row=by_row[row_code], choice=choice, number=position))
        elif question.kind == K.RANKING:
            for choice_code, rank in value.items():
                rows.append(Answer(question=question, choice=choices[choice_code][1], number=rank))
        elif question.kind == K.DATE:
            rows.append(Answer(question=question, date=value))
        else:
            rows.append(Answer(question=question, text=value))
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    return response


NPS = [10, 9, 9, 8, 7, 6, 3]
LIKERT = ["5", "4", "4", "2", "1", "3", "5"]
USAGE = ["jour", "jour", "jour", "semaine", "mois", "jour", "semaine"]


@pytest.fixture
def answered(known, survey):
    """Seven submitted responses (5 Bretons, 2 Franciliens) and one left unsubmitted."""
    invitations = list(
        Invitation.objects.filter(campaign=known, ambassador__region="bre")
        .exclude(status=Status.SKIPPED)
        .order_by("pk")[:5]
    )
    invitations += list(Invitation.objects.filter(campaign=known, ambassador__region="idf").order_by("pk")[:3])
    for index, invitation in enumerate(invitations[:7]):
        respond(
            invitation,
            survey,
            usage=USAGE[index],
            nps=NPS[index],
            clarte=LIKERT[index],
            banque_principale=index % 2 == 0,
            interet=index % 5 + 1,
            fonctions=["budget", "virement"] if index < 3 else ["budget", 'autre:=HYPERLINK("http://x")'],
            criteres={"securite": "3", "simplicite": "2" if index < 4 else "3", "prix": "1"},
            priorites={"alertes": 1, "objectifs": 2, "categories": 3}
            if index < 5
            else {"alertes": 2, "objectifs": 1, "categories": 3},
            montant=[10, 20, 30, 40, 50, 60, 70][index],
            date_ouverture=date(2015 + index, 1, 1),
            idees=HOSTILE if index == 0 else f"=1+{index}" if index == 1 else f"Idée {index}",
        )
    respond(invitations[7], survey, submitted=False, usage="jamais", nps=0)
    return survey


@pytest.fixture
def board(known):
    """A board with three ideas (one by a contributor hidden from leaderboards) and ten votes: 4 on March 2nd,
    6 on March 3rd."""
    board = Board.objects.create(campaign=known)
    category = Category.objects.create(board=board, slug="appli", name_fr="Application", sort_order=0)
    authors = list(
        Invitation.objects.filter(campaign=known)
        .exclude(status=Status.SKIPPED)
        .select_related("ambassador")
        .order_by("pk")
    )
    hidden = authors[1].ambassador
    Contributor.objects.create(ambassador=hidden, hide_from_leaderboards=True)
    top = Idea.objects.create(
        campaign=known,
        title="=cmd|' /C calc'!A0",
        author=authors[0].ambassador,
        category=category,
        status=Idea.Status.PLANNED,
    )
    second = Idea.objects.create(campaign=known, title=HOSTILE, author=hidden)
    Idea.objects.create(campaign=known, title="Sans votes", author=authors[2].ambassador)
    for number, invitation in enumerate(authors[:8]):
        vote = Vote.objects.create(idea=top, ambassador=invitation.ambassador)
        Vote.objects.filter(pk=vote.pk).update(created_at=T0 + timedelta(days=number % 2))
    for invitation in authors[:2]:
        vote = Vote.objects.create(idea=second, ambassador=invitation.ambassador)
        Vote.objects.filter(pk=vote.pk).update(created_at=T0 + timedelta(days=1))
    Idea.objects.filter(pk=top.pk).update(vote_count=8)
    Idea.objects.filter(pk=second.pk).update(vote_count=2)
    return board
