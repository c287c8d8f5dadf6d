from django import template

from ideas.board import display_name as _display_name

register = template.Library()


@register.filter
def display_name(ambassador):
    return _display_name(ambassador)
