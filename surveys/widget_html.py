"""The inputs of a survey page written in Python, the same markup as Django's widget templates character for
character: Django renders each widget through its templates, an include per choice and per list of attributes,
which cost a page with an eleven-point scale more than the rest of the page. ``tests/surveys/test_widget_html.py``
compares both for every question type, filled, empty and in error. A widget template not written here (a file
input, a widget of another app) is rendered by the templates as before."""

from django.forms.renderers import get_default_renderer
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

WIDGETS = "django/forms/widgets/"
INPUTS = {"text", "number", "email", "url", "date", "time", "datetime", "checkbox", "hidden", "password"}


def _formatted(value):
    """``{{ value|stringformat:'s' }}``: a safe string stays as it is, anything else is escaped."""
    return value if isinstance(value, SafeString) else conditional_escape(f"{value}")


def _shown(value):
    """``{{ value }}``: localized, then escaped unless safe."""
    return conditional_escape(localize(value))


def _attrs(attrs):
    """attrs.html: `` name="value"`` each, a True value as a bare name, a False one left out."""
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget):
    """input.html, with its line end (kept where it is included)."""
    value = f' value="{_formatted(widget["value"])}"' if widget["value"] is not None else ""
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}{_attrs(widget["attrs"])}>\n'


def _option(option):
    """radio_option.html and checkbox_option.html (input_option.html), with their line ends."""
    if not option["wrap_label"]:
        return _input(option) + "\n\n"
    target = option["attrs"].get("id")
    label_for = f' for="{_shown(target)}"' if target else ""
    return f"<label{label_for}>{_input(option)} {_shown(option['label'])}</label>\n\n"


def _choices(widget):
    """multiple_input.html (radio.html, checkbox_select.html)."""
    attrs = widget["attrs"]
    html = ["<div"]
    if attrs.get("id"):
        html.append(f' id="{_shown(attrs["id"])}"')
    if attrs.get("class"):
        html.append(f' class="{_shown(attrs["class"])}"')
    html.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            html.append(f"\n  <div><label>{_shown(group)}</label>")
        html.extend(f"<div>\n    {_option(option)}</div>" for option in options)
        if group:
            html.append("\n  </div>")
    html.append("\n</div>")
    return "".join(html)


def _select(widget):
    """select.html, its options select_option.html."""
    html = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group, options, _index in widget["optgroups"]:
        if group:
            html.append(f'\n  <optgroup label="{_shown(group)}">')
        for option in options:
            value, label = _formatted(option["value"]), _shown(option["label"])
            html.append(f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n')
        if group:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


def _textarea(widget):
    value = _shown(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


WRITERS = {
    **{f"{WIDGETS}{name}.html": lambda widget: _input(widget).strip() for name in INPUTS},
    f"{WIDGETS}radio.html": _choices,
    f"{WIDGETS}checkbox_select.html": _choices,
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}textarea.html": _textarea,
}


class PageWidgets:
    """The form renderer of survey pages (``PageForm.default_renderer``): the widgets above in Python, the rest
    (the form's own templates, other widgets) by the project's renderer."""

    def __getattr__(self, name):  # form_template_name, field_template_name...: the project renderer's
        return getattr(get_default_renderer(), name)

    def render(self, template_name, context, request=None):
        writer = WRITERS.get(template_name)
        if writer is None:
            return get_default_renderer().render(template_name, context, request=request)
        return SafeString(writer(context["widget"]))


page_widgets = PageWidgets()
