"""Piping (``surveys.logic.piping``): expressions between braces in texts, shown as a person reads them."""

from datetime import date
from decimal import Decimal

import pytest

from surveys.logic.conditions import Visibility
from surveys.logic.piping import Piper, pieces, piped_references
from surveys.models import Answer, Section
from tests.campaigns.factories import SCRIPT, ambassador
from tests.surveys.types.conftest import question

pytestmark = pytest.mark.django_db


def test_pieces_split_text_expressions_and_stray_braces():
    assert pieces("Bonjour {prenom} !") == [("text", "Bonjour ", 0), ("expr", "prenom", 8), ("text", " !", 16)]
    assert pieces('{if(Q1 == "}", "a", "b")}') == [("expr", 'if(Q1 == "}", "a", "b")', 0)]
    assert [kind for kind, _text, _position in pieces("a } b { c")] == ["text", "stray", "text", "stray", "text"]
    assert pieces("{{Q1}}") == [("stray", "{", 0), ("expr", "Q1", 1), ("stray", "}", 5)]
    assert piped_references("{Q1} et {count(Q2, Q3)} {pas valide(}") == {"Q1", "Q2", "Q3"}


@pytest.fixture
def answered(survey):
    usage = question(survey, "usage", "single", choices=[("jour", "Tous les jours"), ("mois", "Chaque mois")])
    uses = question(survey, "fonctions", "multiple", choices=[("virement", "Virements"), ("budget", "Budget")])
    client = question(survey, "client", "yes_no")
    amount = question(survey, "montant", "number")
    opened = question(survey, "ouverture", "date")
    said = question(survey, "avis", "short_text")
    answers = {
        usage.pk: [Answer(choice=usage.choices.get(code="jour"))],
        uses.pk: [Answer(choice=choice) for choice in uses.choices.all()],
        client.pk: [Answer(number=1)],
        amount.pk: [Answer(number=Decimal("1250.5000"))],
        opened.pk: [Answer(date=date(2025, 3, 1))],
        said.pk: [Answer(text=f"Bien {SCRIPT} {{usage}}")],
    }
    person = ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    sections = {section.pk: section for section in Section.objects.filter(survey=survey)}
    return Visibility({q.pk: q for q in survey.questions.all()}, sections, answers, person)


def test_codes_become_labels_and_numbers_and_dates_are_written_for_the_language(answered):
    fr = Piper(answered, "fr")
    assert fr("{prenom}, vous venez {usage}") == "Léa, vous venez Tous les jours"
    assert fr("{fonctions} ; client : {client}") == "Virements, Budget ; client : oui"
    assert fr("{montant} €") == "1\xa0250,5 €"
    assert Piper(answered, "en")("{montant}") == "1,250.5"
    assert "2025" in fr("{ouverture}") and "mars" in fr("{ouverture}")
    assert fr("{ambassador.region}") == "Bretagne"
    assert fr('{if(client == "Y", "cliente", "prospecte")}') == "cliente"
    assert fr("{count(fonctions)} fonctions") == "2 fonctions"


def test_an_answer_is_piped_as_it_was_typed_and_never_piped_again(answered):
    assert Piper(answered, "fr")("Vous avez dit : {avis}") == f"Vous avez dit : Bien {SCRIPT} {{usage}}"


def test_ambassadors_never_see_a_brace_of_a_bad_expression(answered):
    piper = Piper(answered, "fr")
    assert piper("A {pas valide(} B {usage") == "A  B usage"
    assert piper("} {inconnue}") == " "  # an unknown code is empty
    assert piper.warnings == []


def test_the_preview_keeps_what_it_cannot_read_with_a_warning(answered):
    piper = Piper(answered, "fr", preview=True)
    assert piper("A {pas valide(} B") == "A {pas valide(} B"
    assert piper("{inconnue} {") == "[inconnue] {"
    assert len(piper.warnings) == 2 and "caractère" in piper.warnings[0]


def test_the_admin_preview_shows_piping_problems_and_placeholders(survey, client_for, product_user):
    from django.urls import reverse

    question(survey, "usage", "single", choices=["jour"], text_fr="Bonjour {prenom}, {pas valide(} et {usage}")
    page = client_for(product_user).get(reverse("survey_preview:page", args=[survey.pk, 1])).content.decode()
    assert "data-piping-warnings" in page and "n&#x27;est pas une expression" in page
    assert "Bonjour [prenom], {pas valide(} et [usage]" in page


def test_a_matrix_pipes_its_rows_answered_and_a_rows_column(survey):
    grid = question(
        survey,
        "criteres",
        "matrix",
        choices=[("1", "Faible"), ("3", "Forte")],
        rows=[("prix", "le prix"), ("cout", "le coût")],
    )
    answers = {grid.pk: [Answer(row=grid.rows.get(code="prix"), choice=grid.choices.get(code="3"))]}
    sections = {section.pk: section for section in Section.objects.filter(survey=survey)}
    seen = Visibility({q.pk: q for q in survey.questions.all()}, sections, answers)
    assert Piper(seen, "fr")("{criteres} : {criteres.prix}, {criteres.cout}.") == "le prix : Forte, ."
