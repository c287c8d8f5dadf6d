"""What a campaign's survey lacks in English, for the launch checklist (``campaigns.sending.checklist``)."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from surveys.models import Choice, Question, Section, Survey


def survey_missing_english(campaign):
    """[message] naming the survey's texts written in French only: its title, pages, questions and choices."""
    survey = Survey.objects.filter(campaign=campaign).first()
    if survey is None:
        return []
    missing = [] if survey.title_en.strip() else [_("le titre du questionnaire")]
    pages = Section.objects.filter(survey=survey, title_en="").count()
    if pages:
        missing.append(ngettext("%(n)s page", "%(n)s pages", pages) % {"n": pages})
    questions = Question.objects.filter(survey=survey, text_en="").count()
    if questions:
        missing.append(ngettext("%(n)s question", "%(n)s questions", questions) % {"n": questions})
    choices = Choice.objects.filter(Q(question__survey=survey), label_en="").count()
    if choices:
        missing.append(ngettext("%(n)s choix de réponse", "%(n)s choix de réponse", choices) % {"n": choices})
    return missing
