"""A survey's structure as every answering request reads it (its pages, their questions, each question's choices
and rows, with their conditions): kept in the cache, so that a page costs one cache read where it cost four
queries. The structure is the same for every ambassador and changes only when staff edit the survey.

Kept under a version of the survey (as ``ideas.board`` keeps its lists): a save or a delete of the survey, a page,
a question, a choice or a row (signals wired by ``surveys.apps``; ``survey_changed`` for the bulk writes, which
send none) drops the version at once and again once the transaction commits, so the next request reads the new
structure, and a request that read the old one meanwhile only fills a key that nobody reads again.
SURVEY_STRUCTURE_SECONDS bounds how long an entry is kept (0: not kept, four queries each time)."""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch

from surveys.models import Question


def _version_key(survey_id):
    return f"surveys:structure:{survey_id}:version"


def _version(survey_id):
    key = _version_key(survey_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, secrets.token_hex(6), None)
        version = cache.get(key)
    return version


def survey_changed(survey_id):
    """The survey's cached structure is dropped at once (the writing transaction itself reads the new one) and
    again once the transaction commits (a request that read the old rows meanwhile cached them under a version
    that this second drop retires)."""
    cache.delete(_version_key(survey_id))
    transaction.on_commit(lambda: cache.delete(_version_key(survey_id)))


def _read(survey):
    questions = Question.objects.order_by("sort_order", "pk").prefetch_related("choices", "rows")
    sections = survey.sections.order_by("sort_order", "pk")
    return list(sections.prefetch_related(Prefetch("questions", queryset=questions)))


def survey_sections(survey):
    """The survey's pages in order, each with its questions (``section.questions.all()``), each question with its
    choices and rows prefetched: from the cache, else four queries (then kept)."""
    seconds = settings.SURVEY_STRUCTURE_SECONDS
    if not seconds or survey.pk is None:
        return _read(survey)
    key = f"surveys:structure:{survey.pk}:{_version(survey.pk)}"
    found = cache.get(key)
    if found is None:
        found = _read(survey)
        cache.set(key, found, seconds)
    return found


def part_changed(sender, instance, **kwargs):
    """Signal receiver (post_save, post_delete) for the survey and its parts: drops the survey's structure."""
    survey_id = _survey_id(instance)
    if survey_id is not None:
        survey_changed(survey_id)


def _survey_id(instance):
    from surveys.models import Section, Survey

    if isinstance(instance, Survey):
        return instance.pk
    if isinstance(instance, (Section, Question)):
        return instance.survey_id
    question_id = getattr(instance, "question_id", None)  # a choice or a row
    if question_id is None:
        return None
    return Question.objects.filter(pk=question_id).values_list("survey_id", flat=True).first()
