"""A campaign's survey copied with the campaign (``campaigns.copies``): its pages, questions, choices and rows,
the conditions pointing to the copied questions. Responses are not copied."""

from campaigns.copies import row_copy
from surveys.models import Choice, MatrixRow, Question, Section, Survey
from surveys.structure import survey_changed


def survey_copy(source, copy):
    survey = Survey.objects.filter(campaign=source).first()
    if survey is None:
        return
    new = row_copy(survey, campaign_id=copy.pk, import_report={})
    sections = {section.pk: row_copy(section, survey_id=new.pk) for section in Section.objects.filter(survey=survey)}
    questions = {
        question.pk: row_copy(question, survey_id=new.pk, section_id=sections[question.section_id].pk)
        for question in Question.objects.filter(survey=survey).order_by("pk")
    }
    for model in (Choice, MatrixRow):
        for option in model.objects.filter(question__survey=survey):
            row_copy(option, question_id=questions[option.question_id].pk)
    for copied in [*sections.values(), *questions.values()]:
        if copied.show_if_question_id:
            target = questions.get(copied.show_if_question_id)
            type(copied).objects.filter(pk=copied.pk).update(show_if_question=target.pk if target else None)
    survey_changed(new.pk)  # the updates above send no signal
