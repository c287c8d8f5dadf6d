"""Conditions on pages and questions: shown only when the answer to an earlier question holds one of the
condition's values (``Condition.condition_values``). An answer's tokens come from its question's type (choice
codes, "oui"/"non", numbers...) plus "*" for any answer. A question is shown when its page and itself are;
a loop of conditions shows nothing of it."""

from surveys.types import question_type


def answer_tokens(question, answers):
    """What conditions compare with, lower case: the type's tokens, and "*" when there is any answer."""
    tokens = question_type(question.kind).tokens(question, answers)
    if answers:
        tokens = tokens | {"*"}
    return tokens


class Visibility:
    """What the saved answers make visible in a survey: ``questions`` {pk: question}, ``sections`` {pk:
    section}, ``answers`` {question pk: [Answer]} (read when asked, so answers saved meanwhile count)."""

    def __init__(self, questions, sections, answers):
        self.questions, self.sections, self.answers = questions, sections, answers

    def holds(self, item, seen=frozenset()):
        """Whether the condition of ``item`` (a page or a question) holds."""
        target = item.show_if_question_id
        if target is None:
            return True
        question = self.questions.get(target)
        if question is None or not self.question_shown(question, seen):
            return False
        return bool(answer_tokens(question, self.answers.get(target, [])) & item.condition_values)

    def question_shown(self, question, seen=frozenset()):
        if question.pk in seen:  # a loop of conditions shows nothing of it
            return False
        seen = seen | {question.pk}
        return self.holds(self.sections[question.section_id], seen) and self.holds(question, seen)
