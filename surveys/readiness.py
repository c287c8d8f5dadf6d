"""Whether a campaign's survey can be sent to ambassadors: ``campaigns`` asks through the destination the
surveys app registers (``surveys.apps``), so it never imports surveys."""

from django.utils.translation import gettext as _

from surveys.models import Question, Survey
from surveys.types import all_types


def answerable_kinds():
    return [declared.key for declared in all_types() if declared.answerable]


def launch_problems(campaign):
    """[message] of why the campaign's survey cannot launch: it has no question to answer (one query)."""
    survey = Survey.objects.filter(campaign=campaign).only("pk", "title_fr").first()
    if survey is None:
        return []
    if not Question.objects.filter(survey=survey, kind__in=answerable_kinds()).exists():
        return [
            _(
                "Le questionnaire « %(title)s » n'a aucune question à laquelle répondre : ajoutez-en une avant "
                "de lancer la campagne."
            )
            % {"title": survey.title_fr}
        ]
    return []
