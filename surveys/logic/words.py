"""Conditions in French words for the admin ("montré quand Q3 > 2 et région est Bretagne"), and their checking
in the admin's forms: a problem names its position in the expression."""

from types import SimpleNamespace

from django.utils.translation import gettext as _

from campaigns.models import AgeBand, Locale, Region
from surveys.logic.expressions import ExpressionError, Outline, check, parse


def ambassador_labels():
    labels = {}
    for name, choices in (
        ("ambassador.region", Region.choices),
        ("ambassador.age_band", AgeBand.choices),
        ("ambassador.language", Locale.choices),
    ):
        labels.update({(name, code): str(label) for code, label in choices})
    return labels


def value_labels(outline=None):
    """The labels ``Expression.in_words`` shows for values: the ambassador's regions, age bands, languages,
    and, given an ``Outline`` of the survey, its choices ("Q1", "A") and matrix columns ("Q1.r1", "A")."""
    labels = ambassador_labels()
    if outline is None:
        return labels
    for question in outline.questions:
        choices = {choice.code: choice.label_fr for choice in question.choices.all()}
        if question.kind == "yes_no":
            choices = {"Y": _("oui"), "N": _("non")}
        names = [f"{question.code}.{row.code}" for row in question.rows.all()] or [question.code]
        for name in names:
            labels.update({(name, code): label for code, label in choices.items()})
    return labels


def condition_in_words(item, labels=None):
    """The conditions of a page, question, choice or row in words ("" when always shown): the older condition
    on an earlier answer and ``show_when``, joined by "et"."""
    parts = []
    target = getattr(item, "show_if_question", None)
    if target is not None:
        parts.append(
            _("%(code)s a pour réponse l'une de : %(values)s")
            % {"code": target.code, "values": ", ".join(sorted(item.condition_values))}
        )
    if item.show_when.strip():
        try:
            parts.append(parse(item.show_when).in_words(labels or ambassador_labels()))
        except ExpressionError as error:
            parts.append(_("condition illisible : %(problem)s") % {"problem": error})
    if len(parts) > 1:
        parts = [f"({part})" if " ou " in part else part for part in parts]
    return _(" et ").join(parts)


def problems_text(problems):
    return " ".join(str(problem) for problem in problems)


def check_question_form(form, cleaned):
    """Check the ``show_when`` of a question's admin form and of its choices and rows (formsets ``choices`` and
    ``rows``): an error on each field that has a problem."""
    survey, section = cleaned.get("survey"), cleaned.get("section")
    if survey is None or section is None:
        return
    outline = Outline.of(survey) if survey.pk else Outline([])
    item = SimpleNamespace(
        pk=form.instance.pk, section_id=section.pk, section=section, sort_order=cleaned.get("sort_order") or 0
    )
    problems = check(cleaned.get("show_when", ""), survey, item, outline=outline)
    if problems:
        form.add_error("show_when", problems_text(problems))
    for name in ("choices", "rows"):
        formset = getattr(form, "formsets", {}).get(name)
        for child in formset.forms if formset is not None else []:
            if not child.is_valid() or child.cleaned_data.get("DELETE"):
                continue
            problems = check(child.cleaned_data.get("show_when", ""), survey, item, outline=outline)
            if problems:
                child.add_error("show_when", problems_text(problems))


def check_survey_form(form):
    """Check the ``show_when`` of the pages of a survey's admin form (formset ``sections``), each page against
    the questions of the pages before it (in the order the form gives them)."""
    formset = getattr(form, "formsets", {}).get("sections")
    if formset is None:
        return
    survey = form.instance
    outline = Outline.of(survey) if survey.pk else Outline([])
    children = [child for child in formset.forms if child.is_valid() and not child.cleaned_data.get("DELETE")]
    children.sort(key=lambda child: child.cleaned_data.get("ORDER") or 0)
    for order, child in enumerate(children):
        page = SimpleNamespace(sort_order=order)
        problems = check(child.cleaned_data.get("show_when", ""), survey, page, outline=outline)
        if problems:
            child.add_error("show_when", problems_text(problems))
