import pytest

from reports.listening.language import ENGLISH, FRENCH, detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Le service client ne répond jamais, c'est une honte.", FRENCH),
        ("L'application est très simple et pratique", FRENCH),
        ("The app is great and the customer support answered within a day.", ENGLISH),
        ("I never got my card and nobody answers the phone", ENGLISH),
    ],
)
def test_french_and_english_are_told_apart(text, language):
    assert detect_language(text) == language


def test_a_text_without_telling_words_is_french_by_default():
    assert detect_language("Bancontact ?!") == FRENCH
    assert detect_language("") == FRENCH
