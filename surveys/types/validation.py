"""The answer checks several types share, and their settings (kept in ``Question.settings``; a setting's name
means the same in every type using it, see ``surveys.types.settings_fields``):

- ``integer_only``: whole numbers only (number, several numbers, array of numbers);
- ``total``, ``total_min``, ``total_max``: the sum of a question's numbers (several numbers, array of numbers);
- ``rows_min``, ``rows_max``: how many rows must be answered, at least and at most (matrix, arrays);
- ``pattern`` and ``pattern_message``: a regular expression a short text must match (searched in the text, as
  LimeSurvey does: anchor it with ``^`` and ``$`` to match the whole text), and the message shown otherwise.

A pattern is checked when it is saved, so that no pattern an editor (or an imported file) gives can make a
page slow: it is at most ``PATTERN_MAX_LENGTH`` characters, compiles, and holds no repetition of a group that
itself repeats or offers alternatives (``(a+)+``, ``(a|ab)*``: the shapes whose matching time explodes; a
bounded repetition of bounded parts, ``( ?\\d{2}){4}``, is fine); the
text it is matched against is bounded by the question's field (500 characters for a short text). Compiled
once per pattern."""

import functools
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

PATTERN_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 500


# --- settings ------------------------------------------------------------------------------------------------


def integer_only_field():
    return forms.BooleanField(
        label=gettext_lazy("nombres entiers seulement"),
        required=False,
        help_text=gettext_lazy("Nombres : refuse les décimales."),
    )


def rows_field(label):
    def factory():
        return forms.IntegerField(
            label=label,
            required=False,
            min_value=0,
            max_value=1000,
            help_text=gettext_lazy("Tableaux : nombre de lignes répondues ; laissez vide pour ne rien imposer."),
        )

    return factory


def pattern_field():
    return forms.CharField(
        label=gettext_lazy("forme attendue (expression régulière)"),
        required=False,
        max_length=PATTERN_MAX_LENGTH,
        validators=[pattern_validator],
        help_text=gettext_lazy(
            "Texte court : par exemple ^[0-9]{5}$ pour un code postal. Recherchée dans la réponse : ^ et $ "
            "imposent le texte entier."
        ),
    )


def pattern_message_field():
    return forms.CharField(
        label=gettext_lazy("message si la forme n'est pas respectée"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Texte court : par exemple « Un code postal a 5 chiffres. »"),
    )


INTEGER_SETTINGS = {"integer_only": integer_only_field}
ROWS_SETTINGS = {
    "rows_min": rows_field(gettext_lazy("lignes répondues au minimum")),
    "rows_max": rows_field(gettext_lazy("lignes répondues au maximum")),
}
PATTERN_SETTINGS = {"pattern": pattern_field, "pattern_message": pattern_message_field}


def rows_errors(settings):
    """{setting: message} when the rows' minimum is above their maximum."""
    low, high = (settings or {}).get("rows_min"), (settings or {}).get("rows_max")
    if low not in (None, "") and high not in (None, "") and int(low) > int(high):
        return {"rows_max": _("Le maximum de lignes est inférieur au minimum.")}
    return {}


# --- integers --------------------------------------------------------------------------------------------------


def integer_validator(value):
    if value is not None and Decimal(value) != Decimal(value).to_integral_value():
        raise ValidationError(_("Saisissez un nombre entier, sans décimales."), code="integer_only")


def integer_only(question):
    return bool((question.settings or {}).get("integer_only"))


def number_attrs(question):
    """The input's attributes: a phone shows a digits keyboard when only integers are allowed."""
    return {"inputmode": "numeric" if integer_only(question) else "decimal"}


# --- rows answered -----------------------------------------------------------------------------------------


def rows_problem(question, answered, *, strict):
    """The message when ``answered`` rows break the question's minimum or maximum, else None. Going back a page
    (not ``strict``) only a count already too big is refused; a question left blank is "required"'s business."""
    settings = question.settings or {}
    low, high = settings.get("rows_min"), settings.get("rows_max")
    if high not in (None, "") and answered > int(high):
        high = int(high)
        return ngettext(
            "Répondez à au plus %(count)d ligne (vous en avez rempli %(answered)d).",
            "Répondez à au plus %(count)d lignes (vous en avez rempli %(answered)d).",
            high,
        ) % {"count": high, "answered": answered}
    if strict and answered and low not in (None, "") and answered < int(low):
        low = int(low)
        return ngettext(
            "Répondez à au moins %(count)d ligne (vous en avez rempli %(answered)d).",
            "Répondez à au moins %(count)d lignes (vous en avez rempli %(answered)d).",
            low,
        ) % {"count": low, "answered": answered}
    return None


# --- patterns ------------------------------------------------------------------------------------------------

REPEATS = set("*+{")
LARGE = 100  # a bounded repetition above this counts as unbounded


def pattern_problem(pattern):
    """Why ``pattern`` is refused (a French sentence), or None when it is safe to match."""
    if len(pattern) > PATTERN_MAX_LENGTH:
        return _("L'expression dépasse %(count)d caractères.") % {"count": PATTERN_MAX_LENGTH}
    try:
        re.compile(pattern)
    except re.error as exc:
        return _("Expression invalide (%(problem)s, position %(position)s).") % {
            "problem": exc.msg,
            "position": exc.pos,
        }
    position = nested_repetition(pattern)
    if position is not None:
        return _(
            "Expression refusée : le groupe répété à la position %(position)d contient lui-même une répétition ou "
            "des alternatives, ce qui peut rendre la vérification très lente. Simplifiez-la (par exemple [ab]+ "
            "plutôt que (a|b)+)."
        ) % {"position": position}
    return None


def pattern_validator(value):
    problem = pattern_problem(value or "")
    if problem:
        raise ValidationError(problem, code="pattern")


def nested_repetition(pattern):
    """The position of the first group whose repetition can make matching explode, or None: a group repeated
    without bound (``*``, ``+``, ``{n,}``) holding a repetition or alternatives, or a group repeated a bounded
    number of times holding a repetition without bound. Escapes and character classes are skipped; ``(?...)``
    groups count as groups."""
    stack = [new_frame(0)]
    closed = None  # the group just closed, while the next character may repeat it
    index, length = 0, len(pattern)
    while index < length:
        end = quantifier_end(pattern, index) if pattern[index] in REPEATS or pattern[index] == "?" else None
        if end is None:
            index, closed = token_read(pattern, index, stack)
            continue
        bound = quantifier_bound(pattern[index:end])
        if closed is not None and explodes(closed, bound):
            return closed["start"]
        if bound != 1:
            stack[-1]["repeats"] = True
            stack[-1]["unbounded"] = stack[-1]["unbounded"] or bound is None
        closed, index = None, end
        if index < length and pattern[index] in "?+":  # lazy or possessive
            index += 1
    return None


def token_read(pattern, index, stack):
    """Read what starts at ``index`` (not a quantifier): (the index after it, the group it closes or None)."""
    char = pattern[index]
    if char == "\\":
        return index + 2, None
    if char == "[":
        return class_end(pattern, index), None
    if char == "(":
        stack.append(new_frame(index))
    elif char == ")" and len(stack) > 1:
        closed = stack.pop()
        for name in ("repeats", "unbounded", "alternates"):
            stack[-1][name] = stack[-1][name] or closed[name]
        return index + 1, closed
    elif char == "|":
        stack[-1]["alternates"] = True
    return index + 1, None


def explodes(group, bound):
    """Whether repeating ``group`` up to ``bound`` times (None: without bound) can make matching explode."""
    if bound is None:
        return group["repeats"] or group["alternates"]
    return bound > 1 and group["unbounded"]


def new_frame(start):
    return {"repeats": False, "unbounded": False, "alternates": False, "start": start}


def quantifier_bound(quantifier):
    """The most times a quantifier repeats: 1 for "?", None without bound (or above ``LARGE``)."""
    if quantifier == "?":
        return 1
    if quantifier in ("*", "+"):
        return None
    low, comma, high = quantifier[1:-1].partition(",")
    if not comma:
        high = low
    if not high or int(high) > LARGE:
        return None
    return max(int(high), 1)


def quantifier_end(pattern, index):
    """The index after the quantifier starting at ``index`` (None for a "{" that is not one)."""
    if pattern[index] != "{":
        return index + 1
    found = re.match(r"\{\d*(,\d*)?\}", pattern[index:])
    if found is None or found.group() in ("{}", "{,}"):
        return None
    return index + found.end()


def class_end(pattern, index):
    """The index after the character class starting at ``index``."""
    index += 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


@functools.lru_cache(maxsize=256)
def compiled(pattern):
    return re.compile(pattern)


def pattern_check(question, text):
    """The message when ``text`` does not match the question's pattern, else None. A pattern that became
    unsafe or invalid (set before these checks existed) is not applied."""
    settings = question.settings or {}
    pattern = settings.get("pattern") or ""
    if not pattern or not text or pattern_problem(pattern):
        return None
    if compiled(pattern).search(text[:TEXT_MAX_LENGTH]):
        return None
    return settings.get("pattern_message") or _("La réponse n'a pas la forme attendue.")
