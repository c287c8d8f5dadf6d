"""Whether a campaign's survey can be sent to ambassadors: ``campaigns`` asks through the destination the
surveys app registers (``surveys.apps``), so it never imports surveys."""

from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns.models import Campaign
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


def survey_staff_link(campaign):
    """(label, admin path) of the builder of the campaign's survey, or of a new one attached to it (a survey or
    both campaign), for the campaign form; None otherwise."""
    survey = Survey.objects.filter(campaign=campaign).only("pk", "title_fr").first()
    if survey is not None:
        label = _("Questionnaire « %(title)s » : le modifier") % {"title": survey.title_fr}
        return (label, reverse("wagtailsnippets_surveys_survey:edit", args=[survey.pk]))
    if campaign.kind in (Campaign.Kind.SURVEY, Campaign.Kind.BOTH):
        return (
            _("Construire son questionnaire"),
            f"{reverse('wagtailsnippets_surveys_survey:add')}?campaign={campaign.pk}",
        )
    return None
