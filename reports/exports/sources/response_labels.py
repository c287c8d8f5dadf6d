"""What a manager reads in the workbook's responses sheet: each column named by its question's text (and the row,
choice or cell it is about), each answer by its choice's label; the codes those stand for in a legend sheet
("Codes"), one row per column and per answer, so that the workbook still joins to what other tools hold. The CSV
files keep the codes (they are read by programs)."""

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from reports.exports.sources import Table

QUESTION_CHARS = 80  # a column's label keeps this much of its question's text


def question_label(question):
    text = " ".join(strip_tags(question.text() or "").split()) or question.code
    return text if len(text) <= QUESTION_CHARS else text[: QUESTION_CHARS - 1].rstrip() + "…"


def sub_labels(question):
    """{sub-code in a column's brackets: its label}: rows, choices and the cells of arrays (ROW_COLUMN)."""
    rows, choices = list(question.rows.all()), list(question.choices.all())
    found = {f"{row.code}_{choice.code}": f"{row.label()} / {choice.label()}" for row in rows for choice in choices}
    found.update({choice.code: choice.label() for choice in choices})
    found.update({row.code: row.label() for row in rows})
    return found


def column_labels(question, columns):
    """The label of each of a question's ``columns`` (codes: ``code`` or ``code[sub]``)."""
    text, subs, labelled = question_label(question), sub_labels(question), []
    for column in columns:
        prefix = f"{question.code}["
        if column.startswith(prefix) and column.endswith("]"):
            sub = column[len(prefix) : -1]
            labelled.append(f"{text} — {subs.get(sub, sub)}")
        else:
            labelled.append(text)
    return labelled


def legend_table(layout):
    """The legend of a responses sheet: for each column its label and code, and for each answer of a question with
    choices the label shown and its code. ``layout``: [(question, type, columns)]."""
    header = [_("Colonne"), _("Code de la colonne"), _("Réponse"), _("Code de la réponse")]
    lines = []
    for question, _kind, columns in layout:
        choices = [(choice.label(), choice.code) for choice in question.choices.all()]
        for label, code in zip(column_labels(question, columns), columns, strict=True):
            if choices:
                lines.extend([label, code, *choice] for choice in choices)
            else:
                lines.append([label, code, "", ""])
    return Table("codes", _("Codes"), header, lambda: len(lines), lambda: iter(lines))
