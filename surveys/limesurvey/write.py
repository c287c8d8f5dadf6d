"""Writing a LimeSurvey plan: the survey, its pages, questions, choices and rows, in one transaction (bulk
inserts), attached to a campaign when one is given."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from surveys.limesurvey.plan import survey_plan
from surveys.limesurvey.read import LimeSurveyError
from surveys.models import Choice, MatrixRow, Question, Section, Survey


def campaign_problem(campaign):
    """Why ``campaign`` cannot receive an imported survey, or None."""
    if campaign.kind == Campaign.Kind.IDEATION:
        return _(
            "La campagne « %(campaign)s » ne recueille que des idées : choisissez une campagne de type questionnaire."
        ) % {"campaign": campaign}
    existing = Survey.objects.filter(campaign=campaign).first()
    if existing is not None:
        return _("La campagne « %(campaign)s » a déjà un questionnaire (« %(survey)s »).") % {
            "campaign": campaign,
            "survey": existing,
        }
    return None


def survey_import(source, *, campaign=None):
    """Create a Survey (attached to ``campaign`` when given) from a LimeSurvey export; ``(survey, report)``.

    All or nothing: a file that cannot be read raises LimeSurveyError before anything is written, and the
    writes happen in one transaction."""
    if campaign is not None and (problem := campaign_problem(campaign)):
        raise LimeSurveyError(problem, field="campaign")
    plan = survey_plan(source)
    try:
        with transaction.atomic():
            survey = plan_write(plan, campaign)
    except IntegrityError:
        if campaign is not None and (problem := campaign_problem(campaign)):
            raise LimeSurveyError(problem, field="campaign") from None
        raise
    return survey, plan.report


def plan_write(plan, campaign):
    survey = Survey.objects.create(
        campaign=campaign,
        title_fr=plan.title_fr,
        title_en=plan.title_en,
        concept_fr=plan.concept_fr,
        concept_en=plan.concept_en,
        thank_you_fr=plan.thank_you_fr,
        thank_you_en=plan.thank_you_en,
        anonymous=plan.anonymous,
        source=plan.report["source"][:200],
        import_report=plan.report,
    )
    sections = Section.objects.bulk_create(
        [
            Section(
                survey=survey,
                sort_order=order,
                title_fr=planned.title_fr,
                title_en=planned.title_en,
                intro_fr=planned.intro_fr,
                intro_en=planned.intro_en,
            )
            for order, planned in enumerate(plan.sections)
        ]
    )
    planned_questions, questions = [], []
    for section, planned_section in zip(sections, plan.sections):
        for order, planned in enumerate(planned_section.questions):
            planned_questions.append(planned)
            questions.append(
                Question(
                    survey=survey,
                    section=section,
                    sort_order=order,
                    code=planned.code,
                    kind=planned.kind,
                    text_fr=planned.text_fr,
                    text_en=planned.text_en,
                    help_fr=planned.help_fr,
                    help_en=planned.help_en,
                    required=planned.required,
                    dropdown=planned.dropdown,
                    allow_other=planned.allow_other,
                    randomize=planned.randomize,
                    min_choices=planned.min_choices,
                    max_choices=planned.max_choices,
                    min_value=planned.min_value,
                    max_value=planned.max_value,
                    points=planned.points,
                    settings=planned.settings,
                )
            )
    Question.objects.bulk_create(questions)
    Choice.objects.bulk_create(
        [
            Choice(question=question, sort_order=order, code=code, label_fr=label_fr, label_en=label_en)
            for question, planned in zip(questions, planned_questions)
            for order, (code, label_fr, label_en) in enumerate(planned.choices)
        ]
    )
    MatrixRow.objects.bulk_create(
        [
            MatrixRow(question=question, sort_order=order, code=code, label_fr=label_fr, label_en=label_en)
            for question, planned in zip(questions, planned_questions)
            for order, (code, label_fr, label_en) in enumerate(planned.rows)
        ]
    )
    return survey
