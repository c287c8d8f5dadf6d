"""Where a LimeSurvey expression stands (``Here``) and the names its kinds of questions give (the plan's side of
``surveys.limesurvey.conditions``)."""

import re

SGQA = re.compile(r"(\d+)X(\d+)X(\d+)(.*)$")
# Properties of a name that read its value (the others, such as .question or .relevanceStatus, do not).
VALUE_PROPERTIES = {"NAOK", "value", "code", "shown", "valueNAOK"}
# Kinds whose subquestions are rows, and whose value without a row is none (only count and sum read them).
ROW_KINDS = {"matrix", "multiple_numeric", "array_numbers", "array_texts"}
CHECKBOX_LETTERS = {"M", "P"}
# LimeSurvey's participant attributes that are ambassador attributes of ours.
TOKEN_ATTRIBUTES = {"TOKEN:FIRSTNAME": "ambassador.first_name", "TOKEN:LANGUAGE": "ambassador.language"}
# Kinds whose subquestions are rows by columns (its choices): LimeSurvey's arrays of numbers and of texts.
CELL_KINDS = {"array_numbers", "array_texts"}
# Kinds whose choices a condition may hide (a matrix's columns stay: its rows are what LimeSurvey filters).
CHOICE_KINDS = {"multiple", "single", "ranking", *CELL_KINDS}


def both(*conditions):
    """The conjunction of the non-empty conditions."""
    kept = [condition for condition in conditions if condition]
    if len(kept) <= 1:
        return kept[0] if kept else ""
    return " and ".join(f"({condition})" if " or " in condition else condition for condition in kept)


class Here:
    """Where an expression stands: its LimeSurvey question (for ``self``), and its place in the plan: page
    index, question index (None for a page's condition); ``same_question`` lets a choice or row condition read
    its own question; ``piping`` when it stands in a text."""

    def __init__(self, record=None, page=0, question=None, same_question=False, piping=False):
        self.record, self.page, self.question, self.same_question = record, page, question, same_question
        self.piping = piping  # in a text: ``X.shown`` is what our piping of ``X`` shows
