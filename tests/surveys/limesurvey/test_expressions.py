"""LimeSurvey's Expression Manager translated into our expression language: pure strings, with a scope that
resolves the names of a small made-up survey."""

import pytest

from surveys.limesurvey.expressions import Operand, Untranslatable, tailoring, translate
from surveys.limesurvey.old_conditions import conditions_equation

NAMES = {
    "QC": Operand("QC", codes={"Y": "Y", "N": "N"}),
    "married": Operand("married", codes={"Y": "oui", "N": "non"}),
    "cohabs": Operand("cohabs"),
    "p1_rel": Operand("p1_rel"),
    "p2_rel": Operand("p2_rel"),
    "p1_sex": Operand("p1_sex"),
    "name": Operand("name"),
    "controller_fruit": Operand("controller.fruit"),
    "1X2X3": Operand("QC"),
    "1X2X4SQ1": Operand("MC.SQ1"),
    "1X2X5": Operand("age"),
    "age": Operand("age"),
    "that.AF": Operand("AF", items=("AF.a", "AF.b")),
    "TOKEN:FIRSTNAME": Operand("ambassador.first_name"),
}


def scope(name, here):
    for suffix in (".NAOK", ".value", ".shown"):
        name = name.removesuffix(suffix)
    if name not in NAMES:
        raise Untranslatable(f"« {name} » inconnue")
    return NAMES[name]


@pytest.mark.parametrize(
    ("limesurvey", "ours"),
    [
        ('((QC.NAOK == "Y"))', 'QC == "Y"'),
        ("married == 'Y'", 'married == "oui"'),
        ("!is_empty(name)", "not is_empty(name)"),
        ('cohabs>1 && p1_rel != ""', 'cohabs > 1 and p1_rel != ""'),
        (
            "!is_empty(cohabs) && count(p1_rel.NAOK, p2_rel.NAOK) == cohabs",
            "not is_empty(cohabs) and count(p1_rel, p2_rel) == cohabs",
        ),
        ("count(that.AF) > 0", "count(AF.a, AF.b) > 0"),
        ("controller_fruit==1", "controller.fruit == 1"),
        ('(QC == "Y" || name eq "x") and cohabs ge 2', '(QC == "Y" or name == "x") and cohabs >= 2'),
        ("!(cohabs > 1 or cohabs < 0)", "not (cohabs > 1 or cohabs < 0)"),
        ("cohabs - (age - 1) > -1", "cohabs - (age - 1) > 0 - 1"),
        ("sum(cohabs, age) >= 10", "sum(cohabs, age) >= 10"),
        ("if(p1_sex == 'M', 'his', 'her')", 'if(p1_sex == "M", "his", "her")'),
        ("(((!is_empty(1X2X5.NAOK) && (1X2X5.NAOK < 9000))))", "not is_empty(age) and age < 9000"),
        ('name == "a \\"quoted\\" word"', 'name == "a \\"quoted\\" word"'),
    ],
)
def test_limesurvey_expressions_become_ours(limesurvey, ours):
    assert translate(limesurvey, scope) == ours


@pytest.mark.parametrize(
    ("limesurvey", "reason"),
    [
        ('regexMatch("^a", name)', "utilise `regexMatch`"),
        ("cohabs * 2 > 3", "multiplication"),
        ("cohabs / 2 > 3", "division"),
        ("cohabs = 3", "affectation"),
        ("unknown_q > 1", "inconnue"),
        ("that.AF > 1", "plusieurs valeurs"),
        ("(cohabs > 1", "mal formée"),
        ("is_empty(name, age)", "2 arguments"),
        ("cohabs > 1 ~ 2", "non compris"),
        ("(" * 200 + "cohabs" + ")" * 200, "imbriquée"),
        ("", "vide"),
    ],
)
def test_what_cannot_be_expressed_says_why(limesurvey, reason):
    with pytest.raises(Untranslatable, match=reason):
        translate(limesurvey, scope)


def test_old_conditions_are_ored_across_scenarios_and_on_one_field_and_anded_across_fields():
    rows = [
        {"cfieldname": "1X2X3", "method": "==", "value": "Y", "scenario": "1"},
        {"cfieldname": "1X2X3", "method": "==", "value": "N", "scenario": "1"},
        {"cfieldname": "+1X2X4SQ1", "method": "==", "value": "Y", "scenario": "1"},
        {"cfieldname": "1X2X5", "method": "==", "value": " ", "scenario": "2"},
        {"cfieldname": "1X2X5", "method": "<", "value": "9000", "scenario": "3"},
    ]
    equation = conditions_equation(rows)
    assert translate(equation, scope) == ('(QC == "Y" or QC == "N") and MC.SQ1 == "Y" or is_empty(age) or age < 9000')


def test_an_old_condition_by_regular_expression_is_not_translated():
    with pytest.raises(Untranslatable, match="expression régulière"):
        conditions_equation([{"cfieldname": "1X2X3", "method": "RX", "value": "^a", "scenario": "1"}])


def test_an_old_condition_against_another_answer_compares_both():
    equation = conditions_equation([{"cfieldname": "1X2X5", "method": ">", "value": "@1X2X3@", "scenario": "1"}])
    assert translate(equation, scope) == "age > QC"


def test_tailoring_becomes_piping_and_what_cannot_is_removed_and_reported():
    text, problems = tailoring(
        "Is {if (p1_sex == 'M' , 'his' , 'her')} name {name}? Hello {TOKEN:FIRSTNAME}{strlen(name)}, {SAVEDID}.",
        scope,
    )
    assert text == 'Is {if(p1_sex == "M", "his", "her")} name {name}? Hello {ambassador.first_name}, .'
    assert [braces for braces, _reason in problems] == ["{strlen(name)}", "{SAVEDID}"]


def test_no_raw_brace_survives_tailoring():
    text, problems = tailoring("a { not an expression } b {name} c } d {", scope)
    assert text.count("{") == text.count("}") == 1 and "{name}" in text
    assert len(problems) == 4  # one per brace left alone


@pytest.mark.parametrize(
    "text",
    [
        "{" * 100_000,
        '{"' + "a" * 200_000,
        "{'a" * 50_000,
        "{" + "!" * 5_000 + "name}",
        "{" + "(" * 5_000 + "name" + ")" * 5_000 + "}",
        "{name" + " and name" * 100_000 + "}",
    ],
    ids=["braces", "unterminated-string", "quotes", "negations", "parentheses", "long"],
)
def test_hostile_tailoring_is_removed_quickly_with_a_bounded_report(text):
    piped, problems = tailoring(text, scope)
    assert "{" not in piped and "}" not in piped
    assert 1 <= len(problems) <= 20
