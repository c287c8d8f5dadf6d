from reports.listening.themes import UNASSIGNED, TermThemes, key_terms, themes_fit
from tests.reports.listening.fixtures import ALL, COMPLAINTS_PHONE, FEES, PRAISE_APP


def test_texts_about_the_same_thing_share_a_theme_named_by_its_key_terms():
    model = themes_fit(ALL, count=3)
    themes = model.assign(ALL)
    phone, app, fees = (themes[: len(COMPLAINTS_PHONE)], themes[6:12], themes[12:])
    assert len(set(phone)) == 1 and len(set(app)) == 1 and len(set(fees)) == 1
    assert len({phone[0], app[0], fees[0]}) == 3
    assert "telephone" in phone[0] and "mobile" in app[0] and "frais" in fees[0]


def test_a_fitted_model_places_new_texts_and_leaves_wordless_ones_unassigned():
    model = themes_fit(ALL, count=3)
    new, empty = model.assign(["Personne ne répond au téléphone du service client", "!!!"])
    assert "telephone" in new
    assert empty == UNASSIGNED


def test_without_scikit_learn_the_commonest_key_term_names_the_theme():
    model = TermThemes(ALL, 8)
    assert set(model.assign(FEES)) <= {"frais", "carte"}
    assert len(set(model.assign(PRAISE_APP))) == 1 and model.assign(PRAISE_APP)[0] in {"application", "mobile"}


def test_too_few_texts_still_give_themes():
    assert themes_fit(["frais", "frais"]).assign(["des frais"]) == ["frais"]
    assert themes_fit([]).assign(["rien"]) == [UNASSIGNED]


def test_key_terms_drop_stop_words_figures_and_plurals():
    assert key_terms("Les 3 cartes sont bloquées depuis des mois, frais") == ["carte", "bloquee", "frais"]
