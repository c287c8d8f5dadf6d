from django import template

from ideas.board import display_name as _display_name

register = template.Library()


@register.filter
def display_name(ambassador):
    return _display_name(ambassador)


@register.filter
def answer_text(change, locale):
    """The official answer of a status change in the visitor's language (French when not written in theirs)."""
    return change.answer(locale)
