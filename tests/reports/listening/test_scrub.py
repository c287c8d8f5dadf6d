import pytest

from reports.listening.scrub import CARD_MARK, EMAIL_MARK, IBAN_MARK, NAME_MARK, PHONE_MARK, scrub


@pytest.mark.parametrize(
    "text",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33612345678",
        "0033 (0)1 44 55 66 77",
        "+32 470 12 34 56",
    ],
)
def test_phone_numbers_in_french_and_international_formats_are_removed(text):
    assert scrub(f"Rappelez-moi au {text} svp") == f"Rappelez-moi au {PHONE_MARK} svp"


def test_emails_are_removed_even_written_with_at():
    assert scrub("écrivez à jean.dupont+banque@exemple.fr.") == f"écrivez à {EMAIL_MARK}."
    assert scrub("jean [at] exemple.fr") == EMAIL_MARK


@pytest.mark.parametrize(
    "iban", ["FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189", "be68539007547034"]
)
def test_ibans_are_removed_grouped_or_not(iban):
    assert scrub(f"mon IBAN : {iban}, merci") == f"mon IBAN : {IBAN_MARK}, merci"


@pytest.mark.parametrize(
    "card", ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "4970 1012 3456 7890"]
)
def test_card_numbers_are_removed(card):
    assert scrub(f"ma carte {card} est bloquée") == f"ma carte {CARD_MARK} est bloquée"


def test_the_names_the_ambassador_gave_are_removed_in_any_case_and_without_accents():
    text = "Bonjour, Hélène Lefèvre ici (helene LEFEVRE), voyez avec Hélènette"
    assert (
        scrub(text, names=["Hélène", "Lefèvre"])
        == f"Bonjour, {NAME_MARK} {NAME_MARK} ici ({NAME_MARK} {NAME_MARK}), voyez avec Hélènette"
    )


def test_ordinary_figures_and_dates_are_kept():
    text = "Client depuis 2015, 45 minutes d'attente, 250 €, le 16/09/21, code 1234 5678"
    assert scrub(text, names=["", None]) == text


def test_an_iban_takes_none_of_the_words_after_it():
    assert scrub("IBAN FR76 3000 6000 0112 3456 7890 189 et le virement") == f"IBAN {IBAN_MARK} et le virement"
    assert scrub("IBAN BE68 5390 0754 7034 merci") == f"IBAN {IBAN_MARK} merci"
