"""The logic of small LimeSurvey exports built here, imported onto our pages, questions, choices and rows:
relevance, old-format conditions, subquestion relevance, array filters, tailoring, and the attributes that
change what is asked (random order, whole numbers, digits only, slider bounds, time-only dates, "other")."""

import pytest

from surveys.limesurvey import survey_plan
from surveys.models import Choice, MatrixRow, Question, Section
from tests.surveys.test_limesurvey import _table, imported, lss, only_question, q

pytestmark = pytest.mark.django_db


def test_page_question_choice_and_row_conditions_are_written_in_our_language():
    survey, report = imported(
        q("Y", "client"),
        q("M", "services", sub=[("web", "Web"), ("app", "Appli", "self.sq_web == 'Y'")], relevance="client == 'Y'"),
        q("F", "notes", sub=[("r1", "Agence"), ("r2", "Appli", "services_app.NAOK == 'Y'")], answers=[("1", "Bien")]),
        q("N", "age", gid=2),
        groups=((1, "Vous"), (2, "Âge")),
        grelevance={2: "!is_empty(client) && client == 'N'"},
    )
    assert Section.objects.get(survey=survey, title_fr="Âge").show_when == 'not is_empty(client) and client == "N"'
    assert Question.objects.get(survey=survey, code="services").show_when == 'client == "Y"'
    assert Choice.objects.get(question__code="services", code="app").show_when == 'services.web == "Y"'
    assert MatrixRow.objects.get(question__code="notes", code="r2").show_when == 'services.app == "Y"'
    assert report["conditions"] == {"translated": 4, "not_translated": 0}


def test_a_condition_on_a_later_question_or_with_a_function_we_lack_is_reported_by_code_with_its_effect():
    survey, report = imported(
        q("S", "Q1", relevance="Q2 == 'x'"),
        q("S", "Q2", relevance="regexMatch('^a', Q1)"),
        q("M", "Q3", sub=[("a", "A", "strlen(Q1) * 2 > 3")]),
    )
    assert not Question.objects.filter(survey=survey).exclude(show_when="").exists()
    assert report["conditions"] == {"translated": 0, "not_translated": 3}
    lines = report["not_mapped"]
    assert "Question Q1 toujours affichée : lit « Q2 », posée plus loin (condition « Q2 == 'x' »)." in lines
    assert "Question Q2 toujours affichée : utilise `regexMatch` (condition « regexMatch('^a', Q1) »)." in lines
    assert any(
        line.startswith("Question Q3, sous-question a toujours proposée : utilise la multiplication") for line in lines
    )


def test_old_format_conditions_become_one_condition_scenarios_ored():
    questions = (
        q("L", "canal", answers=[("A1", "Agence"), ("A2", "Web"), ("A3", "Téléphone")]),
        q("M", "services", sub=[("web", "Web")]),
        q("S", "avis"),
    )
    canal, services, avis = (question.source_qid for question in survey_plan(lss(*questions)).sections[0].questions)
    rows = [
        (1, "1", canal, "", "A1"),
        (2, "1", canal, "", "A2"),
        (3, "1", services, "", "web"),
        (4, "2", canal, "", " "),
        (5, "3", services, "web", "Y"),
    ]
    conditions = _table(
        "conditions",
        [
            {
                "cid": cid,
                "qid": avis,
                "scenario": scenario,
                "cqid": cqid,
                "cfieldname": f"{'+' if sub else ''}4242X1X{cqid}{sub}",
                "method": "==",
                "value": value,
            }
            for cid, scenario, cqid, sub, value in rows
        ],
    )
    plan = survey_plan(lss(*questions, extra=conditions))
    assert plan.sections[0].questions[-1].show_when == (
        '(canal == "A1" or canal == "A2") and services.web == "Y" or is_empty(canal) or services.web == "Y"'
    )
    assert plan.report["conditions"] == {"translated": 1, "not_translated": 0}


def test_array_filters_become_row_conditions_and_exclusions_their_opposite():
    _survey, report = imported(
        q("M", "AF", sub=[("a", "A"), ("b", "B")]),
        q("F", "FAF", sub=[("a", "A"), ("b", "B")], answers=[("1", "Oui")], attributes={"array_filter": "AF"}),
        q("M", "FAFE", sub=[("a", "A"), ("c", "C")], attributes={"array_filter_exclude": "AF"}),
    )
    assert [row.show_when for row in MatrixRow.objects.filter(question__code="FAF")] == [
        'AF.a == "Y"',
        'AF.b == "Y"',
    ]
    assert [choice.show_when for choice in Choice.objects.filter(question__code="FAFE")] == ['not AF.a == "Y"', ""]
    assert report["conditions"] == {"translated": 2, "not_translated": 0}
    assert not any("filtre" in line for line in report["not_mapped"])


def test_tailoring_becomes_piping_and_what_cannot_is_removed_and_reported_once_per_text_holder():
    survey, report = imported(
        q("G", "genre"),
        q("S", "prenom_q", "Votre prénom, {TOKEN:FIRSTNAME} ?"),
        q(
            "S",
            "Q3",
            "Merci {prenom_q}, {if(genre == 'M', 'cher', 'chère')} client {SAVEDID}",
            help="Voir {genre.shown} {round(3.5)}",
        ),
    )
    question = Question.objects.get(survey=survey, code="Q3")
    assert question.text_fr == 'Merci {prenom_q}, {if(genre == "M", "cher", "chère")} client'
    assert question.help_fr == "Voir {genre}"
    assert Question.objects.get(code="prenom_q").text_fr == "Votre prénom, {ambassador.first_name} ?"
    lines = [line for line in report["not_mapped"] if "retiré du texte" in line]
    assert lines == [
        (
            "Question Q3 : retiré du texte, affiché sans : « {SAVEDID} » (« SAVEDID » ne désigne aucune question "
            "du fichier); « {round(3.5)} » (utilise `round`)."
        )
    ]


def test_attributes_that_change_what_is_asked_are_kept():
    survey, report = imported(
        q("N", "nombre", attributes={"num_value_int_only": "1"}),
        q("S", "code", attributes={"numbers_only": "1"}),
        q("K", "curseur", sub=[("a", "A")], attributes={"slider_layout": "1", "slider_min": "1", "slider_max": "10"}),
        q("D", "heure", attributes={"date_format": "HH:MM"}),
        q("L", "canal", other="Y", answers=[("A1", "x")], attributes={"answer_order": "random"}),
        q(
            "L",
            "liste",
            other="Y",
            answers=[("A1", "x")],
            attributes={"other_comment_mandatory": "1", "other_replace_text": "Précisez"},
        ),
    )
    by_code = {question.code: question for question in Question.objects.filter(survey=survey)}
    assert by_code["nombre"].settings == {"integer_only": True}
    assert by_code["code"].settings["pattern"] == r"^-?[0-9]*[.,]?[0-9]+$"
    assert (by_code["curseur"].min_value, by_code["curseur"].max_value) == (1, 10)
    assert by_code["heure"].kind == "time"
    assert by_code["canal"].randomize
    assert any("texte de « Autre » obligatoire → toujours demandé" in line for line in report["mapped"])
    assert (
        "Question liste : libellé « Précisez » au lieu de « Autre » non importé, « Autre » est affiché."
        in report["not_mapped"]
    )


def test_a_date_with_a_day_stays_a_date():
    survey, _report = imported(q("D", "jour", attributes={"date_format": "dd/mm/yyyy HH:MM"}))
    assert only_question(survey).kind == "date"


def test_an_array_filter_on_a_list_filters_its_answer_options_and_one_without_common_codes_is_reported():
    _survey, report = imported(
        q("M", "AF", sub=[("a", "A"), ("b", "B")]),
        q("L", "liste", answers=[("a", "A"), ("z", "Z")], attributes={"array_filter": "AF"}),
        q("M", "autre", sub=[("x", "X")], attributes={"array_filter": "AF"}),
    )
    assert [choice.show_when for choice in Choice.objects.filter(question__code="liste")] == ['AF.a == "Y"', ""]
    assert report["conditions"] == {"translated": 1, "not_translated": 1}
    assert (
        "Question autre : filtre « AF » sans code commun avec la question filtrée, sans effet." in report["not_mapped"]
    )


def test_participant_attributes_we_hold_are_read_and_the_others_reported():
    survey, report = imported(
        q("S", "Q1", relevance="TOKEN:LANGUAGE == 'fr'"),
        q("S", "Q2", relevance="TOKEN:ATTRIBUTE_1 == 'vip'"),
    )
    assert Question.objects.get(survey=survey, code="Q1").show_when == 'ambassador.language == "fr"'
    assert any(
        line.startswith("Question Q2 toujours affichée : lit l'attribut de participant « ATTRIBUTE_1 »")
        for line in report["not_mapped"]
    )


def test_a_label_shown_is_piped_in_a_text_but_not_compared_in_a_condition():
    survey, report = imported(
        q("L", "canal", answers=[("A1", "Agence")]),
        q("S", "Q2", "Vous avez choisi {canal.shown}", relevance="canal.shown == 'Agence'"),
    )
    question = Question.objects.get(survey=survey, code="Q2")
    assert (question.text_fr, question.show_when) == ("Vous avez choisi {canal}", "")
    assert any(
        line.startswith("Question Q2 toujours affichée : compare le libellé affiché « canal.shown »")
        for line in report["not_mapped"]
    )
