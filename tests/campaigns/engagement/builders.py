"""Contributions at chosen moments, written straight to the tables the engagement score reads."""

import secrets
from datetime import timedelta

from django.utils import timezone

from campaigns.models import Campaign, Invitation
from ideas.models import Comment, Idea, StatusChange, Vote
from surveys.models import Response, Survey
from tests.campaigns.factories import campaign

NOW = timezone.now().replace(microsecond=0)


def ago(days):
    return NOW - timedelta(days=days)


def a_campaign(slug):
    return campaign(slug=slug, kind=Campaign.Kind.BOTH)


def idea_posted(person, target, days_ago=0, **fields):
    idea = Idea.objects.create(campaign=target, author=person, title=f"Idée de {person.first_name}", **fields)
    Idea.objects.filter(pk=idea.pk).update(created_at=ago(days_ago))
    return idea


def idea_adopted(idea, days_ago=0):
    Idea.objects.filter(pk=idea.pk).update(status=Idea.Status.PLANNED)
    change = StatusChange.objects.create(idea=idea, from_status=Idea.Status.NEW, to_status=Idea.Status.PLANNED)
    StatusChange.objects.filter(pk=change.pk).update(created_at=ago(days_ago))


def vote(person, idea, days_ago=0):
    cast = Vote.objects.create(idea=idea, ambassador=person)
    Vote.objects.filter(pk=cast.pk).update(created_at=ago(days_ago))


def comment(person, idea, days_ago=0, **fields):
    written = Comment.objects.create(idea=idea, author=person, body="Bonne idée", **fields)
    Comment.objects.filter(pk=written.pk).update(created_at=ago(days_ago))


def survey_answered(person, target, days_ago=0):
    survey = Survey.objects.get_or_create(campaign=target, defaults={"title_fr": "Questionnaire"})[0]
    invitation = Invitation.objects.create(campaign=target, ambassador=person, token=secrets.token_hex(32))
    Response.objects.create(survey=survey, invitation=invitation, submitted_at=ago(days_ago))
