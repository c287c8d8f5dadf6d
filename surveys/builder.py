"""The survey builder's plain functions: choices typed one per line, a condition given by a question's code and
its choices (labels or codes, turned into codes), and the saving of a survey with its pages and questions from
one form (``surveys.builder_forms``)."""

import re

from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from surveys.models import Choice, Question
from surveys.structure import survey_changed
from surveys.types.yes_no import NO, YES

CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,40}")
YES_WORDS = {YES, "yes", "y", "1", "o"}
NO_WORDS = {NO, "no", "n", "0"}


def choice_lines(text):
    """[(code, label)] of choices typed one per line: "code = label", or the label alone (its code made from
    it). Codes are made unique by a number."""
    lines, taken = [], set()
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        code, sep, label = (part.strip() for part in line.partition("="))
        if not (sep and label and CODE_PATTERN.fullmatch(code)):
            code, label = slugify(line)[:36] or f"c{len(lines) + 1}", line
        unique, number = code, 2
        while unique.lower() in taken:
            unique, number = f"{code}-{number}", number + 1
        taken.add(unique.lower())
        lines.append((unique, label[:300]))
    return lines


def choices_text(question):
    """The choices of a saved question as the builder shows them, one "code = label" a line."""
    if not question.pk:
        return ""
    return "\n".join(f"{choice.code} = {choice.label_fr}" for choice in question.choices.all())


def choices_apply(question, lines):
    """Give ``question`` (in memory) the choices of ``lines``: a choice keeps its row (and its answers) when its
    code stays."""
    existing = {choice.code: choice for choice in question.choices.all()} if question.pk else {}
    kept = []
    for order, (code, label) in enumerate(lines):
        choice = existing.get(code) or Choice(code=code)
        choice.label_fr, choice.sort_order = label, order
        kept.append(choice)
    question.choices = kept


def condition_codes(kind, lines, given):
    """The values a condition on a question of ``kind`` (its choices ``lines``) compares with, from what was
    typed or ticked (codes or labels, comma separated): (values, [what is not a value of the question])."""
    values, unknown = [], []
    by_word = {code.lower(): code for code, _label in lines}
    by_word.update({label.strip().lower(): code for code, label in lines})
    for item in (part.strip() for part in (given or "").split(",")):
        word = item.lower()
        if not item:
            continue
        if word == "*":
            values.append("*")
        elif kind in Question.WITH_CHOICES:
            values.append(by_word[word]) if word in by_word else unknown.append(item)
        elif kind == Question.Kind.YES_NO:
            value = YES if word in YES_WORDS else NO if word in NO_WORDS else None
            values.append(value) if value else unknown.append(item)
        else:
            values.append(item) if re.fullmatch(r"-?\d+([.,]\d+)?", item) else unknown.append(item)
    return list(dict.fromkeys(values)), unknown


def condition_problem(kind, lines, unknown):
    """The message for values a question cannot have, naming the ones it can."""
    if kind in Question.WITH_CHOICES:
        offered = ", ".join(f"« {label} »" for _code, label in lines) or _("aucun choix")
    elif kind == Question.Kind.YES_NO:
        offered = _("« oui » ou « non »")
    else:
        offered = _("des nombres")
    return _("%(values)s : ce n'est pas une réponse possible de cette question (%(offered)s).") % {
        "values": ", ".join(f"« {item} »" for item in unknown),
        "offered": offered,
    }


def survey_save(survey, questions, conditions):
    """Save a survey from the builder's form: the survey, its pages, then its questions on their pages (each
    ``question.builder_section``), then the conditions: pages are saved
    before a removed page takes its questions with it, conditions ([(question, target, values)]) once their
    questions have keys."""
    with transaction.atomic():
        models.Model.save(survey)
        for section in survey.sections.all():
            section.survey = survey
            section.save()
        for question in questions:
            question.section = question.builder_section
        survey.questions.commit()
        survey.sections.commit()
        for question, target, values in conditions:
            Question.objects.filter(pk=question.pk).update(
                show_if_question=target.pk if target else None, show_if_values=",".join(values)
            )
        survey_changed(survey.pk)  # the conditions' updates send no signal
    return survey


def answer_condition_in_words(question):
    """The condition of a question on an earlier answer in words, with the labels of the choices: "Montrée si
    Q1 (« Votre priorité ») a pour réponse « Écologie » ou « Prix »" ("" without one). The builder's condition,
    in memory, comes before the saved one."""
    condition = getattr(question, "builder_condition", None)
    if condition is None and question.show_if_question_id:
        condition = (question.show_if_question, sorted(question.condition_values))
    target, values = condition or (None, [])
    if target is None:
        return ""
    labels = {choice.code.lower(): choice.label_fr for choice in target.choices.all()}
    labels.update({YES: _("Oui"), NO: _("Non"), "*": _("toute réponse")})
    answers = _(" ou ").join(f"« {labels.get(str(value).lower(), value)} »" for value in values)
    return _("Montrée seulement si %(code)s (« %(text)s ») a pour réponse %(answers)s.") % {
        "code": target.code,
        "text": target.text_fr[:80],
        "answers": answers,
    }
