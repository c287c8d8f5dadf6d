"""Conditions (``surveys.logic.conditions``): the tokens an answer offers, from its question's type, and what
the saved answers make visible."""

from datetime import date
from decimal import Decimal

import pytest

from surveys.logic.conditions import Visibility, answer_tokens
from surveys.models import Answer, Question, Section
from tests.surveys.types.conftest import question

pytestmark = pytest.mark.django_db


def test_tokens_are_choice_codes_yes_no_words_numbers_dates_and_a_star(survey):
    single = question(survey, "usage", "single", choices=["Jour", "mois"], allow_other=True)
    jour = single.choices.get(code="Jour")
    assert answer_tokens(single, [Answer(choice=jour)]) == {"jour", "*"}
    assert answer_tokens(single, [Answer(text="Au guichet")]) == {"autre", "other", "*"}
    yes_no = question(survey, "client", "yes_no")
    assert answer_tokens(yes_no, [Answer(number=1)]) == {"oui", "yes", "y", "1", "*"}
    assert answer_tokens(yes_no, [Answer(number=0)]) == {"non", "no", "n", "0", "*"}
    amount = question(survey, "montant", "number")
    assert answer_tokens(amount, [Answer(number=Decimal("12.5000"))]) == {"12.5", "*"}
    day = question(survey, "jour", "date")
    assert answer_tokens(day, [Answer(date=date(2025, 3, 1))]) == {"2025-03-01", "*"}
    text = question(survey, "idees", "long_text")
    assert answer_tokens(text, [Answer(text="Tout")]) == {"*"}
    assert answer_tokens(text, []) == set()


def visibility(survey, answers):
    sections = {section.pk: section for section in Section.objects.filter(survey=survey)}
    questions = {asked.pk: asked for asked in survey.questions.all()}
    return Visibility(questions, sections, answers)


def test_a_question_shows_when_an_earlier_answer_holds_one_of_its_values(survey):
    client = question(survey, "client", "yes_no")
    why = question(survey, "pourquoi", "long_text", show_if_question=client, show_if_values="non, n")
    seen = visibility(survey, {client.pk: [Answer(number=0)]})
    assert seen.question_shown(why) is True
    seen.answers[client.pk] = [Answer(number=1)]  # answers saved meanwhile count
    assert seen.question_shown(why) is False
    assert visibility(survey, {}).question_shown(why) is False


def test_a_question_hangs_on_a_hidden_question_and_its_page(survey):
    client = question(survey, "client", "yes_no")
    page = Section.objects.create(survey=survey, sort_order=1, title_fr="Suite", show_if_question=client)
    page.show_if_values = "*"
    page.save()
    amount = question(survey, "montant", "number", section=page)
    detail = question(survey, "detail", "short_text", section=page, show_if_question=amount, show_if_values="*")
    seen = visibility(survey, {amount.pk: [Answer(number=3)]})
    assert seen.holds(page) is False and seen.question_shown(detail) is False  # the page waits for "client"
    seen.answers[client.pk] = [Answer(number=1)]
    assert seen.holds(page) is True and seen.question_shown(detail) is True


def test_a_loop_of_conditions_shows_nothing_of_it(survey):
    first = question(survey, "a", "short_text")
    second = question(survey, "b", "short_text", show_if_question=first, show_if_values="*")
    first.show_if_question, first.show_if_values = second, "*"
    seen = visibility(survey, {first.pk: [Answer(text="x")], second.pk: [Answer(text="y")]})
    seen.questions[first.pk] = first
    assert seen.question_shown(first) is False and seen.question_shown(second) is False


def test_show_when_reads_earlier_answers_and_both_conditions_must_hold(survey):
    usage = question(survey, "usage", "single", choices=["jour", "mois"])
    client = question(survey, "client", "yes_no")
    why = question(survey, "pourquoi", "long_text", show_when='usage == "jour" and client == "N"')
    jour = usage.choices.get(code="jour")
    seen = visibility(survey, {usage.pk: [Answer(choice=jour)], client.pk: [Answer(number=0)]})
    assert seen.question_shown(why) is True
    seen.answers[client.pk] = [Answer(number=1)]
    assert seen.question_shown(why) is False
    both = question(survey, "les_deux", "short_text", show_if_question=client, show_if_values="oui", show_when="usage")
    seen = visibility(survey, {usage.pk: [Answer(choice=jour)], client.pk: [Answer(number=1)]})
    assert seen.question_shown(both) is True
    seen.answers[usage.pk] = []
    assert seen.question_shown(both) is False  # the old condition holds, show_when does not


def test_a_hidden_question_reads_as_empty(survey):
    client = question(survey, "client", "yes_no")
    amount = question(survey, "montant", "number", show_when='client == "Y"')
    big = question(survey, "gros", "short_text", show_when="montant > 100 or is_empty(montant)")
    seen = visibility(survey, {client.pk: [Answer(number=1)], amount.pk: [Answer(number=Decimal(50))]})
    assert seen.question_shown(big) is False
    seen.answers[client.pk] = [Answer(number=0)]  # "montant" hidden now: its saved 50 no longer counts
    assert seen.question_shown(amount) is False and seen.question_shown(big) is True


def test_a_page_shows_on_an_expression(survey):
    client = question(survey, "client", "yes_no")
    page = Section.objects.create(survey=survey, sort_order=1, title_fr="Suite", show_when="client.Y or client == 'Y'")
    seen = visibility(survey, {})
    assert seen.holds(page) is False
    seen.answers[client.pk] = [Answer(number=1)]
    assert seen.holds(page) is True


def test_ambassador_attributes_are_read_products_only_when_asked(survey, django_assert_num_queries):
    from campaigns.models import Product
    from tests.campaigns.factories import ambassador

    person = ambassador("lea@exemple.fr", region="bre", first_name="Léa", age_band="25-34")
    person.products.add(Product.objects.create(code="livret", name="Livret"))
    regional = question(survey, "regional", "short_text", show_when='ambassador.region == "bre"')
    saver = question(survey, "epargne", "short_text", show_when='ambassador.products in ["livret"]')
    asked = survey.questions.prefetch_related("choices", "rows")
    seen = Visibility({q.pk: q for q in asked}, {s.pk: s for s in survey.sections.all()}, {}, person)
    with django_assert_num_queries(0):
        assert seen.question_shown(regional) is True
    with django_assert_num_queries(1):
        assert seen.question_shown(saver) is True
        assert seen.question_shown(saver) is True  # read once
    assert visibility(survey, {}).question_shown(regional) is False  # no ambassador: empty


def test_choices_and_rows_show_on_their_conditions(survey):
    client = question(survey, "client", "yes_no")
    offer = question(survey, "offre", "single", choices=["livret", "pel"])
    pel = offer.choices.get(code="pel")
    pel.show_when = 'client == "Y"'
    pel.save()
    seen = visibility(survey, {client.pk: [Answer(number=0)]})
    assert seen.option_shown(offer.choices.get(code="livret")) is True
    assert seen.option_shown(pel) is False
    seen.answers[client.pk] = [Answer(number=1)]
    assert seen.option_shown(pel) is True


def test_an_invalid_stored_expression_is_ignored(survey):
    shown = question(survey, "a", "short_text", show_when="(((")
    assert visibility(survey, {}).question_shown(shown) is True


def test_a_condition_reads_only_what_is_asked_before_it(survey):
    early = question(survey, "avant", "short_text", show_when='apres == "x"')
    later = question(survey, "apres", "short_text")
    seen = visibility(survey, {later.pk: [Answer(text="x")]})
    assert seen.question_shown(early) is False  # "apres" comes later: empty for "avant"
    page = Section.objects.create(survey=survey, sort_order=1, title_fr="Suite", show_when='apres == "x"')
    seen = visibility(survey, {later.pk: [Answer(text="x")]})
    assert seen.holds(page) is True  # a question of an earlier page
    same = question(survey, "meme", "short_text", section=page)
    page.show_when = "meme"
    seen = visibility(survey, {later.pk: [Answer(text="x")], same.pk: [Answer(text="y")]})
    assert seen.holds(page) is False  # a page reads only the pages before it


def test_long_chains_of_conditions_cost_their_length(survey):
    import time

    previous = [question(survey, "q0", "yes_no"), question(survey, "q1", "yes_no")]
    for number in range(2, 120):
        previous.append(
            Question(
                survey=survey,
                section=previous[0].section,
                sort_order=number,
                code=f"q{number}",
                kind="yes_no",
                text_fr="?",
                show_when=f'q{number - 1} == "Y" or q{number - 2} == "Y" or is_empty(q{number - 2})',
            )
        )
    Question.objects.bulk_create(previous[2:])
    asked_all = Question.objects.filter(survey=survey).prefetch_related("choices", "rows")
    questions = {asked.pk: asked for asked in asked_all}
    sections = {section.pk: section for section in Section.objects.filter(survey=survey)}
    seen = Visibility(questions, sections, {})
    started = time.monotonic()
    shown = [asked.code for asked in questions.values() if seen.question_shown(asked)]
    assert len(shown) == 120 and time.monotonic() - started < 2


def test_a_question_whose_choices_are_all_hidden_is_hidden(survey):
    client = question(survey, "client", "yes_no")
    offer = question(survey, "offre", "single", choices=["livret", "pel"], required=True)
    offer.choices.update(show_when='client == "Y"')
    seen = visibility(survey, {client.pk: [Answer(number=0)]})
    assert seen.question_shown(offer) is False
    seen.answers[client.pk] = [Answer(number=1)]
    assert seen.question_shown(offer) is True
