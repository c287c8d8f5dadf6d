"""LimeSurvey's old-format ``conditions`` rows as the relevance equation LimeSurvey itself derives from them, which
``surveys.limesurvey.expressions`` then translates."""

import re

from django.utils.translation import gettext as _

from surveys.limesurvey.expressions import NUMBER, Untranslatable, quoted

METHODS = {"==", "!=", "<", "<=", ">", ">="}


def conditions_equation(rows, checkboxes=frozenset()):
    """The relevance equation LimeSurvey derives from a question's ``conditions`` rows (dicts with cfieldname,
        method, value, scenario): scenarios ORed; in a scenario, conditions ANDed across fields, ORed on the same
        field. ``checkboxes``: the qids (text) of multiple choice questions, whose condition on the whole question
    names a checked subquestion by its code. Raises Untranslatable for a method we lack (regular expressions)."""
    scenarios = {}
    for row in rows:
        scenario = scenarios.setdefault(str(row.get("scenario") or "1").strip(), {})
        scenario.setdefault(row["cfieldname"].strip(), []).append(row)
    equations = []
    for scenario in scenarios.values():
        fields = []
        for field_name, field_rows in scenario.items():
            parts = [_condition_part(field_name, row, checkboxes) for row in field_rows]
            fields.append(parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")")
        equations.append(" and ".join(fields))
    if len(equations) == 1:
        return equations[0]
    return " or ".join(f"({equation})" for equation in equations)


def _condition_part(field_name, row, checkboxes):
    method, value = (row.get("method") or "==").strip(), row.get("value") or ""
    whole = re.fullmatch(r"(\d+)X\d+X(\d+)", field_name)
    if whole and whole.group(2) in checkboxes and method in ("==", "!=") and value.strip():
        return f'{field_name}{value.strip()}.NAOK {method} "Y"'
    name = _condition_name(field_name)
    if method not in METHODS:
        raise Untranslatable(
            _("condition par expression régulière")
            if method in ("RX", "RX/")
            else _("méthode « %(method)s »") % {"method": method}
        )
    if value.startswith("@") and value.endswith("@") and len(value) > 2:
        other = _condition_name(value[1:-1])
        return f"{name} {method} {other}"
    if value.strip() == "" and method in ("==", "!="):
        return f"is_empty({name})" if method == "==" else f"!is_empty({name})"
    if method in ("<", "<=", ">", ">=") and NUMBER.match(value.strip()):
        return f"{name} {method} {value.strip()}"
    return f"{name} {method} {quoted(value)}"


def _condition_name(field_name):
    field_name = field_name.lstrip("+")
    match = re.fullmatch(r"\{(TOKEN:[A-Za-z0-9_]+)\}", field_name)
    if match:
        return match.group(1)
    if not re.fullmatch(r"\d+X\d+X\d+[A-Za-z0-9_#]*", field_name):
        raise Untranslatable(_("condition sur « %(field)s »") % {"field": field_name[:60]})
    return field_name + ".NAOK"
