"""The registry of question types (``surveys.types``): one module per type, found by discovery, giving the
choices of ``Question.kind`` without a migration."""

import sys
import textwrap

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

import surveys.types
from surveys.models import Question
from surveys.types import all_types, discover, kind_choices, limesurvey_types, question_type
from surveys.types.base import QuestionType

KINDS_OF_TODAY = [
    "single",
    "multiple",
    "yes_no",
    "scale",
    "likert",
    "nps",
    "matrix",
    "ranking",
    "number",
    "date",
    "short_text",
    "long_text",
    "display",
]

STARS = """
from surveys.types.base import QuestionType


class Stars(QuestionType):
    key = "stars"
    label = "Étoiles"
    order = 1000


TYPE = Stars()
"""


@pytest.fixture
def stars_module(tmp_path, monkeypatch):
    """A new module in the types package (a folder added to its path), removed afterwards."""
    (tmp_path / "stars.py").write_text(textwrap.dedent(STARS))
    monkeypatch.setattr(surveys.types, "__path__", [*surveys.types.__path__, str(tmp_path)])
    yield discover()
    sys.modules.pop("surveys.types.stars", None)
    monkeypatch.undo()
    discover()


def test_every_kind_of_today_has_its_type_in_the_admin_order():
    keys = [declared.key for declared in all_types()]
    assert set(KINDS_OF_TODAY) <= set(keys)
    assert [kind for kind in keys if kind in KINDS_OF_TODAY] == KINDS_OF_TODAY
    for kind in KINDS_OF_TODAY:
        assert isinstance(question_type(kind), QuestionType) and question_type(kind).key == kind


def test_question_kind_names_every_type_and_keeps_its_values():
    assert Question.Kind.SINGLE == "single" and Question.Kind.LONG_TEXT == "long_text"
    assert Question.Kind.SCALE.label == "Note sur une échelle"
    assert [kind for kind, _label in Question.Kind.choices] == [declared.key for declared in all_types()]
    assert sorted(Question.WITH_OTHER) == ["multiple", "single"]
    assert sorted(Question.WITH_CHOICES) == [
        "array_numbers",
        "array_texts",
        "likert",
        "matrix",
        "multiple",
        "ranking",
        "single",
    ]


def test_kind_choices_come_from_the_registry_through_a_callable():
    field = Question._meta.get_field("kind")
    assert field.deconstruct()[3]["choices"] is kind_choices
    assert list(field.choices) == kind_choices()
    assert Question(kind="nps").get_kind_display() == "Recommandation (NPS, 0 à 10)"


def test_an_unknown_kind_is_a_clear_error():
    with pytest.raises(LookupError, match="no question type 'stars'"):
        question_type("stars")


def test_adding_a_module_adds_a_type_to_the_choices(stars_module):
    assert "stars" in stars_module and question_type("stars").label == "Étoiles"
    assert kind_choices()[-1] == ("stars", "Étoiles")
    assert ("stars", "Étoiles") in list(Question._meta.get_field("kind").choices)


@pytest.mark.django_db
def test_a_new_type_is_valid_for_questions_and_needs_no_migration(stars_module):
    Question(kind="stars").clean_fields(exclude=["survey", "section", "code", "text_fr"])
    call_command("makemigrations", "surveys", "--check", "--dry-run", verbosity=0)  # exits 1 on a change


def test_a_type_listing_a_limesurvey_letter_takes_it_from_a_fallback():
    letters = limesurvey_types()
    assert letters["N"].key == "number" and letters["Q"].key == "short_text"
    assert letters["L"].key == letters["G"].key == "single"
    assert letters["|"].key == "file_upload" and letters[":"].key == "array_numbers"
    assert letters[";"].key == "array_texts"
    assert "*" not in letters  # equation: no type imports it


def test_a_type_key_taken_twice_is_refused(tmp_path, monkeypatch):
    (tmp_path / "again.py").write_text("from surveys.types.single import SingleChoice\n\nTYPE = SingleChoice()\n")
    monkeypatch.setattr(surveys.types, "__path__", [*surveys.types.__path__, str(tmp_path)])
    try:
        with pytest.raises(ImproperlyConfigured, match="'single' missing or taken"):
            discover()
    finally:
        sys.modules.pop("surveys.types.again", None)
        monkeypatch.undo()
        discover()
