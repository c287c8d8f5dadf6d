"""Builders for question-type tests: a survey campaign with invitations, questions of any type with their
choices and rows, and responses given as Answer field values (the tests' own data, not the demo's)."""

import secrets

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Invitation
from surveys.models import Answer, Choice, MatrixRow, Question, Response, Section, Survey
from tests.campaigns.factories import ambassador, campaign


@pytest.fixture
def target(db):
    return campaign(kind=Campaign.Kind.SURVEY)


@pytest.fixture
def survey(target):
    survey = Survey.objects.create(campaign=target, title_fr="Vos services <script>alert(1)</script>", anonymous=False)
    Section.objects.create(survey=survey, sort_order=0, title_fr="Page 1")
    return survey


def question(survey, code, kind, *, choices=(), rows=(), section=None, **fields):
    """A question at the end of the survey's first page (or of ``section``); choices and rows are codes, or
    (code, French label) pairs."""
    section = section or survey.sections.order_by("sort_order").first()
    fields.setdefault("text_fr", f"Question {code}")
    created = Question.objects.create(
        survey=survey, section=section, code=code, kind=kind, sort_order=section.questions.count(), **fields
    )
    for model, options in ((Choice, choices), (MatrixRow, rows)):
        model.objects.bulk_create(
            model(question=created, sort_order=index, code=option[0], label_fr=option[1])
            if isinstance(option, tuple)
            else model(question=created, sort_order=index, code=option, label_fr=option.capitalize())
            for index, option in enumerate(options)
        )
    return created


def invitations(target, count, start=0):
    return [
        Invitation.objects.create(
            campaign=target, ambassador=ambassador(f"amb{number}@exemple.fr"), token=secrets.token_hex(20)
        )
        for number in range(start, start + count)
    ]


def respond(survey, invitation, answers, *, submitted=True):
    """A response: ``answers`` {question: [{Answer field: value}]} where a choice or a row is given by code."""
    response = Response.objects.create(
        survey=survey, invitation=invitation, submitted_at=timezone.now() if submitted else None
    )
    rows = []
    for asked, values in answers.items():
        for value in values:
            value = dict(value)
            if "choice" in value:
                value["choice"] = asked.choices.get(code=value["choice"])
            if "row" in value:
                value["row"] = asked.rows.get(code=value["row"])
            rows.append(Answer(response=response, question=asked, **value))
    Answer.objects.bulk_create(rows)
    return response
