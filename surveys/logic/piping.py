"""Piping: ``{expr}`` in a question's text or help, a choice's or row's label, a page's title or introduction is
replaced by the expression's value as shown to a person (docs/expressions.md): a choice code becomes its label, a
list "a, b", a number is written the language's way, a date too; ``{prenom}`` is the ambassador's first name;
``{if(Q2 == "M", "lui", "elle")}`` chooses a text.

An ambassador never sees a brace: what is not a valid expression between braces, and a brace alone, are
dropped. The admin preview (``preview=True``) leaves them as written and collects a warning for each, and shows
an expression that has no value yet as ``[expr]``.

The result is plain text: templates escape it like any text (an answer holding ``<script>`` shows as text)."""

from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.utils import formats, translation
from django.utils.translation import gettext as _

from campaigns.models import AgeBand, Locale, Region
from surveys.logic.expressions import ExpressionError, Ref, as_text, is_empty, number_text, parse
from surveys.logic.values import OTHER

AMBASSADOR_LABELS = {
    "ambassador.region": dict(Region.choices),
    "ambassador.age_band": dict(AgeBand.choices),
    "ambassador.language": dict(Locale.choices),
}


def pieces(text):
    """[(kind, text, position)] of a text: "text" as written, "expr" between braces (without them), "stray" a
    brace without its pair. Quotes inside braces may hold braces."""
    found, start, index, length = [], 0, 0, len(text)
    while index < length:
        char = text[index]
        if char not in "{}":
            index += 1
            continue
        if index > start:
            found.append(("text", text[start:index], start))
        end = _closing(text, index) if char == "{" else None
        if end is None:
            found.append(("stray", char, index))
            index += 1
        else:
            found.append(("expr", text[index + 1 : end], index))
            index = end + 1
        start = index
    if start < length:
        found.append(("text", text[start:], start))
    return found


def _closing(text, opening):
    quote, index = None, opening + 1
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "}":
            return index
        elif char == "{":
            return None
        index += 1
    return None


def has_piping(text):
    return bool(text) and ("{" in text or "}" in text)


@lru_cache(maxsize=4096)
def parsed_piece(inner):
    """(Expression, None) or (None, ExpressionError) of the text between braces (parsed once per process)."""
    try:
        return parse(inner), None
    except ExpressionError as error:
        return None, error


def piped_references(text):
    """The question codes (and ambassador.<name>) the valid expressions of a text read."""
    found = set()
    if not has_piping(text):
        return found
    for kind, inner, _position in pieces(text):
        if kind == "expr":
            expression, _error = parsed_piece(inner)
            if expression is not None:
                found |= expression.references()
    return found


class Piper:
    """Pipes texts for one ambassador's page: ``visibility`` (``surveys.logic.conditions.Visibility``) gives
    the values, ``locale`` the language; ``warnings`` collects what the preview leaves as written."""

    def __init__(self, visibility, locale, preview=False):
        self.visibility, self.locale, self.preview = visibility, locale, preview
        self.warnings = []

    def __call__(self, text):
        if not has_piping(text):
            return text
        parts = []
        for kind, inner, position in pieces(text):
            if kind == "text":
                parts.append(inner)
            elif kind == "stray":
                if self.preview:
                    self.warnings.append(
                        _("« %(text)s » : accolade seule au caractère %(position)s, les ambassadeurs ne la voient pas.")
                        % {"text": _short(text), "position": position + 1}
                    )
                    parts.append(inner)
            else:
                parts.append(self.piece(text, inner, position))
        return "".join(parts)

    def piece(self, text, inner, position):
        expression, error = parsed_piece(inner)
        if error is not None:
            if self.preview:
                self.warnings.append(
                    _(
                        "« %(text)s » : {%(inner)s} n'est pas une expression (%(problem)s) ; "
                        "les ambassadeurs ne voient rien à sa place."
                    )
                    % {"text": _short(text), "inner": inner, "problem": error}
                )
                return "{" + inner + "}"
            return ""
        value = expression.evaluate(self.visibility.context())
        shown = self.show(expression, value)
        if self.preview and not shown:
            return f"[{inner.strip()}]"
        return shown

    def show(self, expression, value):
        root = expression.root
        if isinstance(root, Ref):
            value = self.labelled(root, value)
        return self.format(value)

    def labelled(self, ref, value):
        """Codes replaced by their labels, for a reference to a question's choices or an ambassador's region."""
        if ref.is_ambassador:
            labels = AMBASSADOR_LABELS.get(ref.name)
            return labels.get(value, value) if labels and isinstance(value, str) else value
        question = self.visibility.by_code.get(ref.code)
        if question is None:
            return value
        if question.kind == "yes_no" and ref.sub is None:
            return {"Y": _("oui"), "N": _("non")}.get(value, value)
        if question.kind == "date" and isinstance(value, str) and value:
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value
        rows = list(question.rows.all())
        if ref.sub is not None and not rows:
            return value  # "Y" of a multiple choice's sub-code, the text of "other"
        options = rows if rows and ref.sub is None else question.choices.all()  # a matrix: the rows answered
        labels = {option.code: option.label(self.locale) for option in options}
        if not labels:
            return value
        if value == OTHER or (isinstance(value, list) and OTHER in value):
            other = self.visibility.context().get(f"{ref.code}.other")
            labels[OTHER] = other or _("Autre")
        if isinstance(value, list):
            return [labels.get(item, item) for item in value]
        return labels.get(value, value) if isinstance(value, str) else value

    def format(self, value):
        if is_empty(value):
            return ""
        if isinstance(value, list):
            return ", ".join(self.format(item) for item in value if not is_empty(item))
        if isinstance(value, bool):
            return _("oui") if value else _("non")
        with translation.override(self.locale):
            if isinstance(value, Decimal):
                return formats.number_format(Decimal(number_text(value)), use_l10n=True, force_grouping=True)
            if isinstance(value, date):
                return formats.date_format(value, "DATE_FORMAT", use_l10n=True)
        return as_text(value)


def _short(text):
    return text if len(text) <= 60 else text[:57] + "…"
