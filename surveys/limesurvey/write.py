"""Writing a LimeSurvey plan: the survey, its pages, questions, choices and rows, in one transaction (bulk
inserts), attached to a campaign when one is given."""

from dataclasses import fields

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from surveys.limesurvey.plan import survey_plan
from surveys.limesurvey.read import LimeSurveyError
from surveys.limesurvey.readings import PlannedQuestion
from surveys.models import Choice, MatrixRow, Question, Section, Survey
from surveys.structure import survey_changed
from surveys.types import question_type

# The fields of a planned question that are the Question's own (its choices and rows are rows of their own).
PLANNED_ONLY = {"choices", "rows", "choice_conditions", "row_conditions", "source_qid", "source_sub"}
QUESTION_FIELDS = [planned.name for planned in fields(PlannedQuestion) if planned.name not in PLANNED_ONLY]


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
    nothing_problem(plan)
    try:
        with transaction.atomic():
            survey = plan_write(plan, campaign)
    except IntegrityError:
        if campaign is not None and (problem := campaign_problem(campaign)):
            raise LimeSurveyError(problem, field="campaign") from None
        raise
    return survey, plan.report


def nothing_problem(plan):
    """Refuse a plan holding no question to answer (LimeSurveyError naming what was not imported)."""
    questions = [question for section in plan.sections for question in section.questions]
    if any(question_type(question.kind).answerable for question in questions):
        return
    lost = [line for line in plan.report["not_mapped"] if line.startswith(str(_("Question")))][:3]
    raise LimeSurveyError(
        _("Le fichier ne contient aucune question à laquelle répondre : rien n'est créé.%(details)s")
        % {"details": (" " + " ".join(lost)) if lost else ""}
    )


def plan_write(plan, campaign):
    """The Survey of ``plan`` and everything in it, in a few bulk inserts (the caller holds the transaction)."""
    survey = Survey.objects.create(
        campaign=campaign,
        title_fr=plan.title_fr,
        title_en=plan.title_en,
        concept_fr=plan.concept_fr,
        concept_en=plan.concept_en,
        thank_you_fr=plan.thank_you_fr,
        thank_you_en=plan.thank_you_en,
        anonymous=plan.anonymous,
        allow_uploads=any(
            question.kind == "file_upload" for section in plan.sections for question in section.questions
        ),
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
                show_when=planned.show_when,
            )
            for order, planned in enumerate(plan.sections)
        ]
    )
    _questions_write(survey, sections, plan)
    survey_changed(survey.pk)  # bulk writes send no signal
    return survey


def _questions_write(survey, sections, plan):
    planned_questions, questions = [], []
    for section, planned_section in zip(sections, plan.sections):
        for order, planned in enumerate(planned_section.questions):
            planned_questions.append(planned)
            values = {name: getattr(planned, name) for name in QUESTION_FIELDS}
            questions.append(Question(survey=survey, section=section, sort_order=order, **values))
    Question.objects.bulk_create(questions)
    for model, options, conditions in ((Choice, "choices", "choice_conditions"), (MatrixRow, "rows", "row_conditions")):
        model.objects.bulk_create(
            [
                model(
                    question=question,
                    sort_order=order,
                    code=code,
                    label_fr=label_fr,
                    label_en=label_en,
                    show_when=getattr(planned, conditions).get(code, ""),
                )
                for question, planned in zip(questions, planned_questions)
                for order, (code, label_fr, label_en) in enumerate(getattr(planned, options))
            ]
        )
