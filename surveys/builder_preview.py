"""What the builder's preview panel shows: the survey being edited, saved or not, page by page, each question with
its choices and its condition in words, read from the objects in memory (Wagtail previews the unsaved form)."""

from surveys.builder import answer_condition_in_words
from surveys.types import question_type


def preview_pages(survey):
    """[{number, title, intro, questions: [{question, label, choices, condition, multiple}]}] in page order."""
    sections = sorted(survey.sections.all(), key=lambda section: section.sort_order)
    pages = [{"number": number, "section": section, "questions": []} for number, section in enumerate(sections, 1)]
    questions = sorted(survey.questions.all(), key=lambda question: question.sort_order)
    for question in questions:
        number = page_number(question, sections)
        if number is None:
            continue
        declared = question_type(question.kind)
        pages[number - 1]["questions"].append(
            {
                "question": question,
                "label": declared.label,
                "choices": [choice.label_fr for choice in question.choices.all()] if declared.has_choices else [],
                "multiple": question.kind in ("multiple", "ranking"),
                "condition": answer_condition_in_words(question),
            }
        )
    return pages


def page_number(question, sections):
    """The number of the question's page: the one the builder gave it, else the one it is saved on."""
    given = getattr(question, "builder_page", None)
    if given and given <= len(sections):
        return given
    for number, section in enumerate(sections, 1):
        if section.pk and section.pk == question.section_id:
            return number
    return None
