"""The expression language: parsing, evaluating, references, words, and hostile text (surveys.logic.expressions)."""

import time
from decimal import Decimal

import pytest

from surveys.logic.expressions import MAX_DEPTH, MAX_LENGTH, ExpressionError, parse

CONTEXT = {
    "Q1": "A",
    "Q2": ["a", "b"],
    "Q3": Decimal(5),
    "Q4": "",
    "T": "bonjour",
    "N": "12",
    "M.r1": "c2",
    "YN": "N",
    "ambassador.region": "BRE",
    "ambassador.first_name": "Léa",
}


def value(text, context=CONTEXT):
    return parse(text).evaluate(context)


def holds(text, context=CONTEXT):
    return parse(text).holds(context)


def error(text):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    return caught.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Q1 == "A"', True),
        ("Q1 == 'A'", True),
        ('Q1 != "A"', False),
        ("Q3 > 2", True),
        ("Q3 >= 5", True),
        ("Q3 < 5", False),
        ("Q3 <= 5.0", True),
        ("N > 9", True),  # a text that reads as a number compares as a number
        ('N > "9"', True),
        ('T > "a"', True),  # else as texts
        ("Q4 < 3", False),  # an ordering with an empty side is false
        ("Q4 > 3", False),
        ("Q9 >= 0", False),  # an unknown name is empty
        ('Q4 == ""', True),
        ('Q1 == ""', False),
        ('Q1 != ""', True),
        ('Q3 > 2 and ambassador.region == "BRE"', True),
        ('Q3 > 9 or Q1 == "A"', True),
        ('not Q1 == "A"', False),
        ("not not Q1", True),
        ('Q1 in ["A", "B"]', True),
        ('Q1 not in ["A", "B"]', False),
        ('Q2 in ["b", "z"]', True),  # any element of a list
        ('Q2 not in ["z"]', True),
        ('Q4 in ["A"]', False),
        ('Q4 in [""]', True),
        ("Q3 in [1, 5]", True),
        ("Q2.a", True),  # a multiple choice's sub-code: "Y" when selected
        ("Q2.z", False),
        ('M.r1 == "c2"', True),
        ('YN == "N"', True),
        ("YN", False),  # a bare "N" is false
        ("Q4", False),
        ("Q3", True),
        ("true and not false", True),
        ("is_empty(Q4)", True),
        ("is_empty(Q2)", False),
        ("not is_empty(Q1)", True),
        ('contains(Q2, "b")', True),
        ('contains(Q2, "c")', False),
        ('contains(T, "jour")', True),
        ("count(Q1, Q2, Q4) == 3", True),  # a list counts its elements
        ("sum(Q3, N, Q4, T) == 17", True),  # empty and non-numbers count 0
        ("Q3 + 1 == 6", True),
        ("Q3 - 10 == -5", True),
        ("-3 < Q3", True),
        ("(Q3 > 9 or Q3 < 6) and Q1 == 'A'", True),
        ("Q3 > 9 or Q3 < 6 and Q1 == 'B'", False),  # "and" binds tighter than "or"
    ],
)
def test_expressions_evaluate_over_earlier_answers(text, expected):
    assert holds(text) is expected


def test_values_of_functions_and_arithmetic():
    assert value('if(Q3 > 4, "grand", "petit")') == "grand"
    assert value('if(Q3 > 9, "grand")') == ""
    assert value("count(Q2)") == 2
    assert value("count()") == 0
    assert value("sum(Q3, 2) - 1") == 6
    assert value('T + "!"') == "bonjour!"
    assert value("Q4 + 2") == 2
    assert value("prenom") == "Léa"
    assert value("Q2") == ["a", "b"]


def test_context_values_are_normalised():
    context = {"I": 3, "F": 2.5, "L": ("x", 1), "B": None}
    assert holds("I + F == 5.5", context)
    assert value("L", context) == ["x", "1"]
    assert holds('B == ""', context)


def test_strings_keep_escapes():
    assert value(r"'l\'avis'") == "l'avis"
    assert value(r'"un \"mot\""') == 'un "mot"'
    assert value(r'"a\\b"') == "a\\b"


def test_references_list_question_codes_and_ambassador_attributes():
    expression = parse('Q1 == "A" and Q2.a and count(Q3, M.r1) > 0 and ambassador.region == "BRE" and prenom')
    assert expression.references() == {"Q1", "Q2", "Q3", "M", "ambassador.region", "ambassador.first_name"}
    assert [ref.name for ref in expression.refs()][:2] == ["Q1", "Q2.a"]


def test_sub_codes_may_start_with_a_digit_and_keep_their_zeros():
    expression = parse('Q1.01 == "Y"')
    assert expression.refs()[0].sub == "01"
    assert expression.evaluate({"Q1.01": "Y"}) is True


def test_in_words_reads_as_french():
    labels = {"Q3": "Q3", ("ambassador.region", "BRE"): "Bretagne"}
    assert parse('Q3 > 2 and ambassador.region == "BRE"').in_words(labels) == "Q3 > 2 et région est Bretagne"
    assert parse('(Q1 == "A" or Q4 == "") and not is_empty(Q2)').in_words() == (
        "(Q1 est A ou Q4 est vide) et non (Q2 est vide)"
    )
    assert parse('Q1 not in ["A", "B"]').in_words({("Q1", "A"): "Alpha"}) == "Q1 n'est aucun de : Alpha, B"
    assert parse("Q3 >= 2").in_words() == "Q3 ≥ 2"
    assert parse('Q1 != ""').in_words() == "Q1 a une réponse"
    assert parse('if(Q1 == "A", "lui", "elle")').in_words() == "si Q1 est A alors lui sinon elle"
    assert parse("count(Q1, Q2) > 1").in_words() == "nombre de réponses parmi (Q1, Q2) > 1"


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("", 0, "vide"),
        ("   ", 0, "vide"),
        ("Q1 = 2", 3, "=="),
        ('Q1 == "abc', 6, "non terminé"),
        ("Q1 == 'abc\\'", 6, "non terminé"),
        ("Q1 ==", 5, "fin de l'expression"),
        ("((Q1 == 2)", 10, "jamais fermée"),
        ("(Q1))", 4, "sans parenthèse ouvrante"),
        ("foo(1)", 0, "Fonction inconnue"),
        ("eval('1')", 0, "Fonction inconnue"),
        ("__import__('os')", 0, "Fonction inconnue"),
        ("Q1 Q2", 3, "inattendu"),
        ("is_empty()", 0, "argument"),
        ("if(Q1)", 0, "argument"),
        ("contains(Q1, 'a', 'b')", 0, "argument"),
        ("Q1.", 3, "Sous-code"),
        ("a.b.c", 3, "Un seul point"),
        ("!is_empty(Q1)", 0, "not"),
        ("Q1 && Q2", 3, "and"),
        ("Q1 || Q2", 3, "or"),
        ("{Q1}", 0, "accolades"),
        ("Q1 in 3", 6, "["),
        ("Q1 in [Q2]", 7, "Valeur attendue dans la liste"),
        ("Q1 in ['a',]", 11, "Valeur attendue"),
        ("Q1 in ['a'", 10, "]"),
        ("ambassador", 0, "attribut"),
        ("Q1 == 2 *", 8, "inattendu"),
        ("Q1 == @", 6, "inattendu"),
        ("Q1 ==\n\n  #", 9, "inattendu"),
    ],
)
def test_bad_expressions_are_refused_with_a_french_message_and_position(text, position, words):
    problem = error(text)
    assert problem.position == position
    assert words in problem.message
    assert f"(caractère {position + 1})" in str(problem)
    assert isinstance(problem, ValueError)


def test_deep_nesting_is_refused_without_reaching_pythons_recursion_limit():
    for text in ["(" * 4000 + "1" + ")" * 4000, "not " * 2000 + "Q1", "count(" * 1000 + ")" * 1000]:
        problem = error(text)
        assert "trop imbriquée" in problem.message
    nested = "(" * MAX_DEPTH + "Q1" + ")" * MAX_DEPTH
    assert parse(nested).evaluate(CONTEXT) == "A"


def test_huge_text_is_refused_at_once():
    started = time.monotonic()
    problem = error("Q1 or " * 100_000 + "Q1")
    assert "trop longue" in problem.message and problem.position == MAX_LENGTH
    assert time.monotonic() - started < 1


def test_long_but_allowed_expressions_parse_quickly():
    text = " or ".join(f'Q{n} == "A"' for n in range(600))
    assert len(text) <= MAX_LENGTH
    started = time.monotonic()
    assert parse(text).holds({"Q599": "A"})
    assert time.monotonic() - started < 1


def test_huge_string_literal_within_the_limit_is_fine():
    literal = "x" * (MAX_LENGTH - 20)
    assert parse(f'T == "{literal}"').holds({"T": literal})


def test_unterminated_string_points_at_its_opening_quote():
    assert error('Q1 == "A" and Q2 == "B').position == 20


def test_non_text_is_refused():
    assert "texte" in error(None).message
