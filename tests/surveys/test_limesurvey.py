"""LimeSurvey (.lss) import: the real exports in ../shared/peers/limesurvey/, hostile files, both layouts, and one
small survey built here for each LimeSurvey question type."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign
from surveys.limesurvey import LimeSurveyError, survey_import, survey_plan, text_from_html
from surveys.models import Choice, MatrixRow, Question, Section, Survey
from tests.campaigns.factories import campaign

pytestmark = pytest.mark.django_db

from tests.surveys.peers import PEERS  # noqa: E402

K = Question.Kind


# --- a LimeSurvey >= 4 export built from a few Python values ----------------------------------------------


def _cell(name, value):
    return f"<{name}/>" if value in ("", None) else f"<{name}><![CDATA[{value}]]></{name}>"


def _table(name, rows):
    body = "".join("<row>" + "".join(_cell(key, value) for key, value in row.items()) + "</row>" for row in rows)
    return f" <{name}><fields></fields><rows>{body}</rows></{name}>\n"


def _by_language(text, languages):
    return text if isinstance(text, dict) else {language: text for language in languages}


def q(
    kind,
    code,
    text="Votre avis ?",
    *,
    sub=(),
    answers=(),
    second_scale=(),
    columns=(),
    attributes=None,
    gid=1,
    help="",
    script="",
    **fields,
):
    """One question: ``sub`` and ``answers`` are (code, text) pairs (``columns``: subquestions of the second
    scale, the columns of an array of numbers or texts); texts are a string or {language: text}."""
    return {
        "type": kind,
        "title": code,
        "text": text,
        "sub": sub,
        "answers": answers,
        "second_scale": second_scale,
        "columns": columns,
        "attributes": attributes or {},
        "gid": gid,
        "help": help,
        "script": script,
        **fields,
    }


def lss(
    *questions,
    languages=("fr",),
    groups=((1, "Première page"),),
    title="Banque mobile",
    description="",
    welcome="",
    endtext="",
    grelevance=None,
    extra="",
    anonymized="N",
):
    base, *others = languages
    group_rows, group_texts = [], []
    for order, (gid, name) in enumerate(groups, start=1):
        group_rows.append(
            {
                "gid": gid,
                "sid": 4242,
                "group_order": order,
                "randomization_group": "",
                "grelevance": (grelevance or {}).get(gid, "1"),
            }
        )
        for language, text in _by_language(name, languages).items():
            group_texts.append(
                {"id": len(group_texts) + 1, "gid": gid, "group_name": text, "description": "", "language": language}
            )
    question_rows, sub_rows, l10n_rows, answer_rows, answer_texts, attribute_rows = [], [], [], [], [], []
    next_id = iter(range(100, 100000))
    for order, question in enumerate(questions, start=1):
        qid = next(next_id)
        question_rows.append(
            {
                "qid": qid,
                "parent_qid": 0,
                "sid": 4242,
                "gid": question["gid"],
                "type": question["type"],
                "title": question["title"],
                "preg": question.get("preg", ""),
                "other": question.get("other", "N"),
                "mandatory": question.get("mandatory", "N"),
                "question_order": question.get("order", order),
                "scale_id": 0,
                "relevance": question.get("relevance", "1"),
            }
        )
        for language in languages:
            l10n_rows.append(
                {
                    "id": len(l10n_rows) + 1,
                    "qid": qid,
                    "question": _by_language(question["text"], languages).get(language, ""),
                    "help": _by_language(question["help"], languages).get(language, ""),
                    "script": question["script"],
                    "language": language,
                }
            )
        subquestions = [(0, sub) for sub in question["sub"]] + [(1, sub) for sub in question.get("columns", ())]
        for sub_order, (sub_scale, (code, text, *relevance)) in enumerate(subquestions):
            sub_qid = next(next_id)
            sub_rows.append(
                {
                    "qid": sub_qid,
                    "parent_qid": qid,
                    "sid": 4242,
                    "gid": question["gid"],
                    "type": "T",
                    "title": code,
                    "question_order": sub_order,
                    "scale_id": sub_scale,
                    "relevance": relevance[0] if relevance else "1",
                }
            )
            for language, label in _by_language(text, languages).items():
                l10n_rows.append(
                    {"id": len(l10n_rows) + 1, "qid": sub_qid, "question": label, "help": "", "language": language}
                )
        for scale, options in ((0, question["answers"]), (1, question["second_scale"])):
            for sort_order, (code, text) in enumerate(options):
                aid = next(next_id)
                answer_rows.append(
                    {
                        "aid": aid,
                        "qid": qid,
                        "code": code,
                        "sortorder": sort_order,
                        "assessment_value": 0,
                        "scale_id": scale,
                    }
                )
                for language, label in _by_language(text, languages).items():
                    answer_texts.append(
                        {"id": len(answer_texts) + 1, "aid": aid, "answer": label, "language": language}
                    )
        for name, value in question["attributes"].items():
            attribute_rows.append({"qid": qid, "attribute": name, "value": value, "language": ""})
    settings = [
        {
            "surveyls_survey_id": 4242,
            "surveyls_language": language,
            "surveyls_title": _by_language(title, languages).get(language, ""),
            "surveyls_description": _by_language(description, languages).get(language, ""),
            "surveyls_welcometext": _by_language(welcome, languages).get(language, ""),
            "surveyls_endtext": _by_language(endtext, languages).get(language, ""),
        }
        for language in languages
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<document>\n <LimeSurveyDocType>Survey</LimeSurveyDocType>\n'
        " <DBVersion>641</DBVersion>\n <languages>"
        + "".join(f"<language>{language}</language>" for language in languages)
        + "</languages>\n"
        + _table("answers", answer_rows)
        + _table("answer_l10ns", answer_texts)
        + _table("groups", group_rows)
        + _table("group_l10ns", group_texts)
        + _table("questions", question_rows)
        + _table("subquestions", sub_rows)
        + _table("question_l10ns", l10n_rows)
        + _table("question_attributes", attribute_rows)
        + _table(
            "surveys",
            [{"sid": 4242, "language": base, "additional_languages": " ".join(others), "anonymized": anonymized}],
        )
        + _table("surveys_languagesettings", settings)
        + extra
        + "</document>\n"
    ).encode("utf-8")


def imported(*questions, **options):
    survey, report = survey_import(lss(*questions, **options))
    return survey, report


def only_question(survey):
    return Question.objects.get(survey=survey)


def choices(question):
    return [(choice.code, choice.label_fr, choice.label_en) for choice in question.choices.all()]


def rows(question):
    return [(row.code, row.label_fr) for row in question.rows.all()]


def nothing_written():
    return not (
        Survey.objects.exists()
        or Section.objects.exists()
        or Question.objects.exists()
        or Choice.objects.exists()
        or MatrixRow.objects.exists()
    )


def stored_texts():
    """Every text the import stored, to look for what must never be there."""
    values = []
    for model, fields in (
        (Survey, ["title_fr", "title_en", "concept_fr", "concept_en", "thank_you_fr", "thank_you_en"]),
        (Section, ["title_fr", "title_en", "intro_fr", "intro_en"]),
        (Question, ["code", "text_fr", "text_en", "help_fr", "help_en"]),
        (Choice, ["code", "label_fr", "label_en"]),
        (MatrixRow, ["code", "label_fr", "label_en"]),
    ):
        for row in model.objects.values_list(*fields):
            values.extend(row)
    return values


# --- the real exports ------------------------------------------------------------------------------------


def test_citric_survey_imports_two_pages_and_reports_the_file_upload():
    survey, report = survey_import(PEERS / "citric_survey.lss")
    assert survey.source == "LimeSurvey 123456" and survey.campaign is None
    assert survey.title_fr == survey.title_en == "Test Survey"
    sections = list(survey.sections.order_by("sort_order"))
    assert [section.title_fr for section in sections] == ["First Group", "Second Group"]
    assert sections[0].intro_fr == "This is the first question group of this survey"
    questions = list(Question.objects.filter(survey=survey))
    assert [(question.code, question.kind, question.required) for question in questions] == [
        ("G01Q01", K.LONG_TEXT, False),
        ("G01Q02", K.SCALE, True),
        ("G02Q03", K.FILE_UPLOAD, False),
        ("G02Q04", K.YES_NO, True),
    ]
    assert questions[0].text_fr == "Text for first question"  # <strong> stripped
    assert questions[0].help_fr == "This is a question help text."
    assert questions[1].points == 5
    assert [question.section for question in questions] == [sections[0], sections[0], sections[1], sections[1]]
    assert survey.allow_uploads  # the file upload question is kept, so the survey takes files
    assert any("G02Q03" in line and "Envoi de fichier" in line for line in report["mapped"])
    assert any("Pas de texte français" in line for line in report["not_mapped"])
    assert survey.import_report == report and report["languages"] == ["en"]
    assert report["counts"] == {"sections": 2, "questions": 4, "choices": 0, "rows": 0}
    assert any("G01Q02" in line and "Note sur une échelle" in line for line in report["mapped"])


def test_citric_answers_imports_multiple_choice_and_array_with_their_codes():
    survey, report = survey_import(PEERS / "citric_answers.lss")
    multiple, array = Question.objects.filter(survey=survey)
    assert (multiple.code, multiple.kind) == ("Q01", K.MULTIPLE)
    assert choices(multiple) == [
        ("SQ001", "First option", "First option"),
        ("SQ002", "Second option", "Second option"),
        ("SQ003", "Third option", "Third option"),
    ]
    assert (array.code, array.kind) == ("Q02", K.MATRIX)
    assert rows(array) == [
        ("SQ001", "Color"),
        ("SQ002", "Milkiness"),
        ("SQ003", "Creaminess"),
        ("SQ004", "Mouthfeel"),
        ("SQ005", "Aftertaste"),
    ]
    assert [code for code, *_labels in choices(array)] == ["AO01", "AO02", "AO03", "AO04", "AO05"]
    assert choices(array)[2][1] == "Just Right"
    assert any("Q02" in line and "5 lignes, 5 colonnes" in line for line in report["mapped"])


def test_hostile_file_comes_out_without_any_script_and_says_what_was_removed():
    survey, report = survey_import(PEERS / "limesurvey_survey_XssAndScriptCheck.lss")
    question = only_question(survey)
    assert question.text_fr == "Question:" and question.help_fr == "Help:"
    assert not any("<script" in value.lower() or "alert(" in value for value in stored_texts())
    assert "Question Q00 : script non importé." in report["not_mapped"]
    assert any("Q00, texte" in line and "script supprimé" in line for line in report["not_mapped"])
    assert any("Q00, aide" in line and "script supprimé" in line for line in report["not_mapped"])


@pytest.mark.parametrize("name", ["citric_survey.lss", "citric_answers.lss", "limesurvey_survey_XssAndScriptCheck.lss"])
def test_every_peer_file_imports_with_a_report(name):
    survey, report = survey_import(PEERS / name)
    assert report["mapped"] and Question.objects.filter(survey=survey).exists()
    assert set(report) >= {"mapped", "not_mapped", "languages"}


# --- hostile and broken files ----------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE document [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<document><LimeSurveyDocType>Survey</LimeSurveyDocType><surveys><rows><row><sid>1</sid><language>fr</language>
</row></rows></surveys><surveys_languagesettings><rows><row><surveyls_language>fr</surveyls_language>
<surveyls_title>&lol4;</surveyls_title></row></rows></surveys_languagesettings></document>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<document><LimeSurveyDocType>Survey</LimeSurveyDocType><surveys><rows><row><sid>1</sid><language>fr</language>
</row></rows></surveys><surveys_languagesettings><rows><row><surveyls_language>fr</surveyls_language>
<surveyls_title>&secret;</surveyls_title></row></rows></surveys_languagesettings></document>"""


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_entity_declarations_are_refused_and_create_nothing(content):
    with pytest.raises(LimeSurveyError, match="DTD ou des entités XML.*refusé par sécurité"):
        survey_import(content)
    assert nothing_written()


def test_broken_xml_is_refused_naming_the_line():
    content = lss(q("S", "Q1")).replace(b"</questions>", b"</question>")
    line = content[: content.index(b"</question>")].count(b"\n") + 1
    with pytest.raises(LimeSurveyError, match=f"XML illisible, ligne {line}, colonne .*mismatched tag"):
        survey_import(content)
    assert nothing_written()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"<?xml version='1.0'?><rss><channel/></rss>", "élément racine est <rss>"),
        (b"<document><LimeSurveyDocType>Group</LimeSurveyDocType></document>", "de type « Group »"),
        (b"<document><title>x</title></document>", "LimeSurveyDocType"),
        (b"<document><LimeSurveyDocType>Survey</LimeSurveyDocType></document>", "<surveys> manque"),
        (b"", "vide"),
    ],
)
def test_xml_that_is_not_a_limesurvey_survey_is_refused(content, message):
    with pytest.raises(LimeSurveyError, match=message):
        survey_import(content)
    assert nothing_written()


def test_a_bad_number_is_refused_naming_the_table_row_and_qid():
    content = lss(q("S", "Q1"), q("S", "Q2")).replace(
        b"<question_order><![CDATA[2]]>", b"<question_order><![CDATA[deux]]>"
    )
    with pytest.raises(LimeSurveyError) as error:
        survey_import(content)
    assert str(error.value) == (
        "élément <questions>, ligne 2 (qid 101) : « deux » n'est pas un nombre entier (champ question_order)."
    )
    assert nothing_written()


def test_a_file_over_the_size_limit_is_refused(settings, tmp_path):
    settings.LIMESURVEY_MAX_FILE_MB = 1
    path = tmp_path / "big.lss"
    path.write_bytes(lss(q("T", "Q1", "x" * 1024 * 1024)))
    with pytest.raises(LimeSurveyError, match="dépasse"):
        survey_import(path)
    with pytest.raises(LimeSurveyError, match="dépasse"):
        survey_import(path.read_bytes())
    assert nothing_written()


def test_a_missing_file_is_named():
    with pytest.raises(LimeSurveyError, match="Fichier introuvable : .*absent.lss"):
        survey_import(Path("/nowhere/absent.lss"))


def test_a_failure_while_writing_leaves_nothing_behind(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(MatrixRow.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        survey_import(PEERS / "citric_answers.lss")
    assert nothing_written()


def test_scripts_styles_media_and_escaped_scripts_are_removed_from_texts():
    survey, report = imported(
        q(
            "L",
            "Q1",
            "<p>Votre <b>banque</b>&nbsp;?</p><style>p{}</style><img src=x onerror=alert(1)>",
            help="Aide&lt;script&gt;alert(2)&lt;/script&gt; utile",
            answers=[("A1", "<a href='javascript:alert(3)'>Oui</a>"), ("A2", "Non<script>alert(4)</script>")],
        ),
        title="Titre<script>alert(5)</script>",
        welcome="<p>Bienvenue</p><script>alert(6)</script>",
    )
    question = only_question(survey)
    assert question.text_fr == "Votre banque ?"
    assert question.help_fr == "Aide utile"
    assert choices(question) == [("A1", "Oui", ""), ("A2", "Non", "")]
    assert survey.title_fr == "Titre" and survey.concept_fr == "<p>Bienvenue</p>"
    assert not any("<script" in value.lower() or "alert(" in value for value in stored_texts())
    assert any("Q1, texte (fr) : image ou média supprimé" in line for line in report["not_mapped"])
    assert any("Q1, aide (fr) : script supprimé" in line for line in report["not_mapped"])
    assert any("choix A2, libellé (fr) : script supprimé" in line for line in report["not_mapped"])
    assert any(line.startswith("Questionnaire, titre (fr) : script supprimé") for line in report["not_mapped"])


def test_html_becomes_plain_text_keeping_paragraphs_and_line_breaks():
    assert text_from_html("<p>Un&nbsp;<b>deux</b></p><p>trois<br/>quatre &amp; cinq</p>") == (
        "Un deux\n\ntrois\nquatre & cinq",
        set(),
    )
    assert text_from_html("Ligne un\nLigne deux") == ("Ligne un\nLigne deux", set())
    assert text_from_html("<ul><li>a</li><li>b</li></ul>") == ("- a\n- b", set())
    assert text_from_html("<script>jamais fermé") == ("", {"script"})


# --- the older layout (LimeSurvey 2 and 3) ---------------------------------------------------------------

OLD_LAYOUT = """<?xml version="1.0" encoding="UTF-8"?>
<document>
 <LimeSurveyDocType>Survey</LimeSurveyDocType>
 <DBVersion>355</DBVersion>
 <languages><language>fr</language><language>en</language></languages>
 <answers><fields/><rows>
  <row><qid>11</qid><code>A1</code><answer>En agence</answer><sortorder>1</sortorder><language>fr</language><scale_id>0</scale_id></row>
  <row><qid>11</qid><code>A1</code><answer>In a branch</answer><sortorder>1</sortorder><language>en</language><scale_id>0</scale_id></row>
  <row><qid>11</qid><code>A2</code><answer>En ligne</answer><sortorder>2</sortorder><language>fr</language><scale_id>0</scale_id></row>
  <row><qid>11</qid><code>A2</code><answer>Online</answer><sortorder>2</sortorder><language>en</language><scale_id>0</scale_id></row>
 </rows></answers>
 <groups><fields/><rows>
  <row><gid>7</gid><sid>5555</sid><group_name>Vos habitudes</group_name><group_order>0</group_order><description>&lt;p&gt;Deux minutes&lt;/p&gt;</description><language>fr</language><grelevance/></row>
  <row><gid>7</gid><sid>5555</sid><group_name>Your habits</group_name><group_order>0</group_order><description>Two minutes</description><language>en</language><grelevance/></row>
 </rows></groups>
 <questions><fields/><rows>
  <row><qid>11</qid><parent_qid>0</parent_qid><sid>5555</sid><gid>7</gid><type>L</type><title>canal</title><question>Où gérez-vous vos comptes ?</question><help>Un seul choix</help><other>Y</other><mandatory>Y</mandatory><question_order>1</question_order><language>fr</language><scale_id>0</scale_id><relevance>1</relevance></row>
  <row><qid>11</qid><parent_qid>0</parent_qid><sid>5555</sid><gid>7</gid><type>L</type><title>canal</title><question>Where do you manage your accounts?</question><help>One choice</help><other>Y</other><mandatory>Y</mandatory><question_order>1</question_order><language>en</language><scale_id>0</scale_id><relevance>1</relevance></row>
  <row><qid>12</qid><parent_qid>0</parent_qid><sid>5555</sid><gid>7</gid><type>M</type><title>services</title><question>Quels services ?</question><help/><other>N</other><mandatory>N</mandatory><question_order>2</question_order><language>fr</language><scale_id>0</scale_id><relevance>canal == "A2"</relevance></row>
  <row><qid>12</qid><parent_qid>0</parent_qid><sid>5555</sid><gid>7</gid><type>M</type><title>services</title><question>Which services?</question><help/><other>N</other><mandatory>N</mandatory><question_order>2</question_order><language>en</language><scale_id>0</scale_id><relevance>canal == "A2"</relevance></row>
  <row><qid>13</qid><parent_qid>12</parent_qid><sid>5555</sid><gid>7</gid><type>T</type><title>virement</title><question>Virements</question><question_order>1</question_order><language>fr</language><scale_id>0</scale_id></row>
  <row><qid>13</qid><parent_qid>12</parent_qid><sid>5555</sid><gid>7</gid><type>T</type><title>virement</title><question>Transfers</question><question_order>1</question_order><language>en</language><scale_id>0</scale_id></row>
 </rows></questions>
 <subquestions><fields/><rows>
  <row><qid>14</qid><parent_qid>12</parent_qid><sid>5555</sid><gid>7</gid><type>T</type><title>epargne</title><question>Épargne</question><question_order>2</question_order><language>fr</language><scale_id>0</scale_id></row>
  <row><qid>14</qid><parent_qid>12</parent_qid><sid>5555</sid><gid>7</gid><type>T</type><title>epargne</title><question>Savings</question><question_order>2</question_order><language>en</language><scale_id>0</scale_id></row>
 </rows></subquestions>
 <surveys><fields/><rows><row><sid>5555</sid><language>fr</language><additional_languages>en</additional_languages><anonymized>Y</anonymized></row></rows></surveys>
 <surveys_languagesettings><fields/><rows>
  <row><surveyls_survey_id>5555</surveyls_survey_id><surveyls_language>fr</surveyls_language><surveyls_title>Vos comptes</surveyls_title><surveyls_description>Votre avis compte.</surveyls_description><surveyls_welcometext/><surveyls_endtext>Merci !</surveyls_endtext></row>
  <row><surveyls_survey_id>5555</surveyls_survey_id><surveyls_language>en</surveyls_language><surveyls_title>Your accounts</surveyls_title><surveyls_description/><surveyls_welcometext/><surveyls_endtext>Thanks!</surveyls_endtext></row>
 </rows></surveys_languagesettings>
</document>
"""


def test_older_layout_with_inline_texts_imports_french_and_english():
    survey, report = survey_import(OLD_LAYOUT)
    assert (survey.title_fr, survey.title_en) == ("Vos comptes", "Your accounts")
    assert survey.concept_fr == "<p>Votre avis compte.</p>" and survey.concept_en == ""
    assert (survey.thank_you_fr, survey.thank_you_en) == ("Merci !", "Thanks!")
    assert survey.anonymous and survey.source == "LimeSurvey 5555"
    section = survey.sections.get()
    assert (section.title_fr, section.title_en, section.intro_fr) == ("Vos habitudes", "Your habits", "Deux minutes")
    canal, services = Question.objects.filter(survey=survey)
    assert (canal.code, canal.kind, canal.required, canal.allow_other) == ("canal", K.SINGLE, True, True)
    assert (canal.text_fr, canal.text_en, canal.help_en) == (
        "Où gérez-vous vos comptes ?",
        "Where do you manage your accounts?",
        "One choice",
    )
    assert choices(canal) == [("A1", "En agence", "In a branch"), ("A2", "En ligne", "Online")]
    assert services.kind == K.MULTIPLE
    assert choices(services) == [("virement", "Virements", "Transfers"), ("epargne", "Épargne", "Savings")]
    assert not any("toujours affichée" in line for line in report["not_mapped"])
    assert report["conditions"] == {"translated": 1, "not_translated": 0}
    assert report["languages"] == ["fr", "en"]
    assert not any("Pas de texte français" in line for line in report["not_mapped"])


# --- one small survey per LimeSurvey type ------------------------------------------------------------------


@pytest.mark.parametrize(
    "letter, kind",
    [
        ("S", K.SHORT_TEXT),
        ("T", K.LONG_TEXT),
        ("U", K.LONG_TEXT),
        ("Y", K.YES_NO),
        ("D", K.DATE),
        ("N", K.NUMBER),
        ("5", K.SCALE),
    ],
)
def test_simple_types_map_onto_our_kinds(letter, kind):
    survey, report = imported(q(letter, "Q1", "Votre avis ?"))
    question = only_question(survey)
    assert (question.code, question.kind, question.text_fr) == ("Q1", kind, "Votre avis ?")
    assert question.points == (5 if letter == "5" else None)
    assert any(line.startswith(f"Question Q1 ({letter}, ") for line in report["mapped"])


def test_a_text_to_display_is_imported_beside_a_question_and_alone_is_nothing_to_answer():
    survey, report = imported(q("X", "Q1", "Bienvenue"), q("S", "Q2"))
    assert [question.kind for question in Question.objects.filter(survey=survey)] == [K.DISPLAY, K.SHORT_TEXT]
    assert any(line.startswith("Question Q1 (X, ") for line in report["mapped"])
    with pytest.raises(LimeSurveyError, match="aucune question à laquelle répondre"):
        imported(q("X", "Q3", "Bienvenue"))
    assert Survey.objects.count() == 1


@pytest.mark.parametrize("letter, kind", [(":", "array_numbers"), (";", "array_texts")])
def test_arrays_of_numbers_and_texts_keep_their_rows_and_columns(letter, kind):
    survey, _report = imported(
        q(letter, "Q1", sub=[("r1", "Ligne"), ("r2", "Autre ligne")], columns=[("c1", "Colonne")])
    )
    question = only_question(survey)
    assert question.kind == kind
    assert [row.code for row in question.rows.all()] == ["r1", "r2"]
    assert [choice.code for choice in question.choices.all()] == ["c1"]


def test_list_keeps_answer_codes_order_other_and_random_order():
    survey, _report = imported(
        q("L", "Q1", other="Y", attributes={"random_order": "1"}, answers=[("B2", "Deuxième"), ("A1", "Premier")])
    )
    question = only_question(survey)
    assert (question.kind, question.dropdown, question.allow_other, question.randomize) == (K.SINGLE, False, True, True)
    assert choices(question) == [("B2", "Deuxième", ""), ("A1", "Premier", "")]


def test_dropdown_list_is_a_single_choice_shown_as_a_dropdown():
    survey, _report = imported(q("!", "Q1", answers=[("A1", "Un"), ("A2", "Deux")]))
    question = only_question(survey)
    assert (question.kind, question.dropdown) == (K.SINGLE, True)


def test_list_with_comment_reports_the_comment_field():
    survey, report = imported(q("O", "Q1", answers=[("A1", "Un")]))
    assert only_question(survey).kind == K.SINGLE
    assert "Question Q1 : le champ de commentaire de la liste n'est pas importé." in report["not_mapped"]


def test_multiple_choice_takes_subquestions_other_and_answer_counts():
    survey, report = imported(
        q(
            "M",
            "Q1",
            other="Y",
            attributes={"min_answers": "1", "max_answers": "2"},
            sub=[("SQ1", "Carte"), ("SQ2", "Chèque"), ("SQ3", "Virement")],
        )
    )
    question = only_question(survey)
    assert (question.kind, question.allow_other, question.min_choices, question.max_choices) == (K.MULTIPLE, True, 1, 2)
    assert [code for code, *_labels in choices(question)] == ["SQ1", "SQ2", "SQ3"]
    assert any("Q1 (M, choix multiple) → Choix multiple : 3 choix" in line for line in report["mapped"])


def test_multiple_choice_with_min_above_max_keeps_neither():
    survey, report = imported(q("M", "Q1", attributes={"min_answers": "3", "max_answers": "1"}, sub=[("A", "a")]))
    question = only_question(survey)
    assert (question.min_choices, question.max_choices) == (None, None)
    assert any("minimum de choix (3) supérieur au maximum (1)" in line for line in report["not_mapped"])


def test_multiple_choice_with_comments_reports_the_comments():
    survey, report = imported(q("P", "Q1", sub=[("SQ1", "Carte")]))
    assert only_question(survey).kind == K.MULTIPLE
    assert "Question Q1 : les commentaires de chaque choix ne sont pas importés." in report["not_mapped"]


@pytest.mark.parametrize("letter", ["F", "H"])
def test_arrays_become_matrices_with_subquestion_rows_and_answer_columns(letter):
    survey, report = imported(
        q(letter, "Q1", sub=[("R1", "Frais"), ("R2", "Appli")], answers=[("1", "Mauvais"), ("2", "Bon")])
    )
    question = only_question(survey)
    assert question.kind == K.MATRIX
    assert rows(question) == [("R1", "Frais"), ("R2", "Appli")]
    assert choices(question) == [("1", "Mauvais", ""), ("2", "Bon", "")]
    transposed = any("Q1 : tableau par colonne, affiché par lignes" in line for line in report["not_mapped"])
    assert transposed == (letter == "H")


@pytest.mark.parametrize(
    "letter, columns",
    [
        ("A", [("1", "1", "1"), ("2", "2", "2"), ("3", "3", "3"), ("4", "4", "4"), ("5", "5", "5")]),
        ("B", [(str(point), str(point), str(point)) for point in range(1, 11)]),
        ("C", [("Y", "Oui", "Yes"), ("U", "Incertain", "Uncertain"), ("N", "Non", "No")]),
        ("E", [("I", "Augmente", "Increase"), ("S", "Identique", "Same"), ("D", "Diminue", "Decrease")]),
    ],
)
def test_fixed_scale_arrays_become_matrices_with_their_scale(letter, columns):
    survey, _report = imported(q(letter, "Q1", sub=[("R1", "Frais")]))
    question = only_question(survey)
    assert question.kind == K.MATRIX and rows(question) == [("R1", "Frais")]
    assert choices(question) == columns


def test_dual_scale_array_keeps_the_first_scale_and_reports_the_second():
    survey, report = imported(
        q(
            "1",
            "Q1",
            sub=[("R1", "Frais")],
            answers=[("a", "Bas"), ("b", "Haut")],
            second_scale=[("x", "Rare"), ("y", "Souvent"), ("z", "Toujours")],
        )
    )
    question = only_question(survey)
    assert question.kind == K.MATRIX and [code for code, *_labels in choices(question)] == ["a", "b"]
    assert "Question Q1 : seconde échelle (3 choix) non importée, seule la première l'est." in report["not_mapped"]


def test_number_takes_its_bounds_and_reports_unusable_ones():
    survey, _report = imported(q("N", "Q1", attributes={"min_num_value_n": "0", "max_num_value_n": "99.5"}))
    question = only_question(survey)
    assert (question.min_value, question.max_value) == (Decimal("0"), Decimal("99.5"))
    survey, report = imported(q("N", "Q2", attributes={"min_num_value_n": "{Q1}"}))
    assert Question.objects.get(survey=survey).min_value is None
    assert any("min_num_value_n « {Q1} » n'est pas un nombre utilisable" in line for line in report["not_mapped"])


def test_multiple_numbers_become_one_question_with_its_items_their_bounds_and_the_total():
    survey, report = imported(
        q(
            "K",
            "Q1",
            "Combien ?",
            attributes={"max_num_value_n": "10", "max_num_value": "15", "min_num_value": "2"},
            sub=[("c", "Comptes"), ("k", "Cartes")],
        )
    )
    question = only_question(survey)
    assert (question.code, question.kind, question.text_fr, question.max_value) == (
        "Q1",
        K.MULTIPLE_NUMERIC,
        "Combien ?",
        Decimal("10"),
    )
    assert rows(question) == [("c", "Comptes"), ("k", "Cartes")]
    assert question.settings == {"total_min": "2", "total_max": "15"}
    assert "Question Q1 (K, nombres multiples) → Plusieurs nombres (et leur total) : 2 éléments." in report["mapped"]
    assert "Question Q1 : total → « Le total doit être compris entre 2 et 15. »" in report["mapped"]
    assert not any("somme" in line for line in report["not_mapped"])


def test_a_total_imposed_and_bounded_at_once_is_reported_and_not_imported():
    survey, report = imported(
        q("K", "Q1", attributes={"equals_num_value": "100", "max_num_value": "150"}, sub=[("a", "A")])
    )
    assert only_question(survey).settings == {}
    assert any(
        line.startswith("Question Q1 : total non importé (Un total imposé exclut un minimum")
        for line in report["not_mapped"]
    )


def test_an_equal_sum_on_another_type_is_still_reported_as_not_imported():
    _survey, report = imported(q("N", "Q1", attributes={"equals_num_value": "100", "max_num_value": "150"}))
    assert "Question Q1 : réglage non importé, somme imposée « 100 »." in report["not_mapped"]
    assert not any("somme maximale" in line for line in report["not_mapped"])  # meaningless outside K


def test_multiple_short_texts_become_one_short_text_per_subquestion():
    survey, _report = imported(q("Q", "Q1", "Vos idées", sub=[("a", "Première"), ("b", "Seconde")]))
    questions = Question.objects.filter(survey=survey)
    assert [(question.code, question.kind, question.text_fr) for question in questions] == [
        ("Q1_a", K.SHORT_TEXT, "Vos idées — Première"),
        ("Q1_b", K.SHORT_TEXT, "Vos idées — Seconde"),
    ]


def test_ranking_takes_its_answers_as_the_items_to_rank():
    survey, _report = imported(q("R", "Q1", answers=[("a", "Prix"), ("b", "Service"), ("c", "Appli")]))
    question = only_question(survey)
    assert question.kind == K.RANKING and [code for code, *_labels in choices(question)] == ["a", "b", "c"]


def test_gender_is_a_single_choice_in_french_and_english():
    survey, _report = imported(q("G", "Q1"))
    question = only_question(survey)
    assert question.kind == K.SINGLE
    assert choices(question) == [("F", "Femme", "Female"), ("M", "Homme", "Male")]


@pytest.mark.parametrize(
    "letter, name",
    [
        ("*", "équation"),
        ("I", "choix de la langue"),
        ("W", "type inconnu"),
    ],
)
def test_unsupported_types_are_listed_with_code_and_text_and_not_created(letter, name):
    survey, report = imported(q("S", "Q0", "Gardée"), q(letter, "Q1", "<b>Question</b> impossible"))
    assert [question.code for question in Question.objects.filter(survey=survey)] == ["Q0"]
    assert (
        f"Question Q1 ({letter}, {name}) « Question impossible » : type non pris en charge, question non créée."
        in report["not_mapped"]
    )


@pytest.mark.parametrize("mandatory, required", [("Y", True), ("S", True), ("N", False), ("", False)])
def test_mandatory_and_soft_mandatory_questions_are_required(mandatory, required):
    survey, report = imported(q("S", "Q1", mandatory=mandatory))
    assert only_question(survey).required is required
    assert any("obligatoire « souple »" in line for line in report["mapped"]) == (mandatory == "S")


def test_conditions_are_translated_and_what_cannot_be_is_reported_with_its_effect():
    survey, report = imported(
        q("S", "Q1"),
        q("S", "Q2", relevance="Q1 == 'oui'"),
        q("M", "Q3", sub=[("a", "A", "Q1 == 'x'"), ("b", "B")]),
        q("S", "Q4", relevance="regexMatch('^a', Q1)"),
        grelevance={1: "Q0.NAOK > 2"},
    )
    assert Question.objects.filter(survey=survey).count() == 4
    assert report["conditions"] == {"translated": 2, "not_translated": 2}
    assert (
        "Question Q4 toujours affichée : utilise `regexMatch` (condition « regexMatch('^a', Q1) »)."
        in report["not_mapped"]
    )
    assert (
        "Page « Première page » toujours affichée : « Q0 » ne désigne aucune question du fichier "
        "(condition « Q0.NAOK > 2 »)." in report["not_mapped"]
    )
    assert not any("Q2" in line or "Q3" in line for line in report["not_mapped"])


def test_validation_hidden_script_and_expressions_are_reported():
    survey, report = imported(
        q(
            "S",
            "Q1",
            "Bonjour {TOKEN:FIRSTNAME}",
            preg="/^[0-9]+$/",
            script="alert(1)",
            attributes={"hidden": "1", "em_validation_q": "Q1 > 2", "array_filter": ""},
        )
    )
    assert only_question(survey).text_fr == "Bonjour {ambassador.first_name}"
    not_mapped = report["not_mapped"]
    assert "Question Q1 : validation par expression « /^[0-9]+$/ » non importée." in not_mapped
    assert "Question Q1 : script non importé." in not_mapped
    assert "Question Q1 : question cachée dans LimeSurvey, importée visible (à revoir)." in not_mapped
    assert "Question Q1 : réglage non importé, validation de la question « Q1 > 2 »." in not_mapped
    assert not any("filtre de tableau" in line for line in not_mapped)


def test_sections_and_questions_follow_the_file_order_and_an_empty_page_is_kept_and_reported():
    survey, report = imported(
        q("S", "B", gid=2, order=2), q("S", "A", gid=2, order=1), q("*", "F", gid=3), groups=((2, "Deux"), (3, "Trois"))
    )
    assert [section.title_fr for section in survey.sections.order_by("sort_order")] == ["Deux", "Trois"]
    assert [question.code for question in Question.objects.filter(survey=survey)] == ["A", "B"]
    assert "Page « Trois » : aucune question importée, la page est gardée vide." in report["not_mapped"]


def test_duplicate_codes_are_made_unique_and_reported():
    survey, report = imported(q("S", "Q1"), q("S", "Q1"), q("L", "Q2", answers=[("A", "x"), ("A", "y")]))
    assert [question.code for question in Question.objects.filter(survey=survey)] == ["Q1", "Q1_2", "Q2"]
    assert "Question Q1 : code « Q1 » changé en « Q1_2 » (déjà pris ou trop long)." in report["not_mapped"]
    assert choices(Question.objects.get(code="Q2")) == [("A", "x", ""), ("A_2", "y", "")]
    assert "Question Q2, choix A : code « A » en double, changé en « A_2 »." in report["not_mapped"]


def test_long_labels_and_titles_are_truncated_to_fit_and_reported():
    survey, report = imported(q("L", "Q1", answers=[("A1", "x" * 400)]), title="T" * 250)
    assert len(survey.title_fr) == 200 and survey.title_fr.endswith("…")
    assert len(choices(only_question(survey))[0][1]) == 300
    assert "Questionnaire, titre : tronqué à 200 caractères." in report["not_mapped"]
    assert "Question Q1, choix A1, libellé : tronqué à 300 caractères." in report["not_mapped"]


def test_survey_texts_become_title_concept_and_thank_you():
    survey, _report = imported(
        q("S", "Q1"),
        title="Banque <i>mobile</i>",
        description="<p>Un concept & <b>deux</b></p>",
        welcome="Bienvenue\nà tous",
        endtext="<p>Merci</p>",
        languages=("fr", "en"),
    )
    assert survey.title_fr == "Banque mobile"
    assert survey.concept_fr == "<p>Un concept &amp; deux</p><p>Bienvenue<br/>à tous</p>"
    assert survey.thank_you_fr == survey.thank_you_en == "Merci"


# --- languages -------------------------------------------------------------------------------------------


def test_french_and_english_texts_go_to_their_fields():
    survey, report = imported(
        q("L", "Q1", {"fr": "Votre avis ?", "en": "Your opinion?"}, answers=[("A1", {"fr": "Oui", "en": "Yes"})]),
        languages=("en", "fr"),
        title={"fr": "Titre", "en": "Title"},
    )
    question = only_question(survey)
    assert (question.text_fr, question.text_en) == ("Votre avis ?", "Your opinion?")
    assert choices(question) == [("A1", "Oui", "Yes")]
    assert (survey.title_fr, survey.title_en) == ("Titre", "Title")
    assert "Langue fr → textes en français." in report["mapped"]
    assert "Langue en → textes en anglais." in report["mapped"]


def test_without_french_the_base_language_fills_french_and_is_reported():
    survey, report = imported(q("S", "Q1", {"de": "Ihre Meinung?", "en": "Your opinion?"}), languages=("de", "en"))
    question = only_question(survey)
    assert (question.text_fr, question.text_en) == ("Ihre Meinung?", "Your opinion?")
    assert "Pas de texte français : texte de utilisé pour le français, à traduire." in report["not_mapped"]


def test_french_variants_are_french_and_other_languages_are_reported():
    survey, report = imported(
        q("S", "Q1", {"fr-informal": "Ton avis ?", "es": "¿Su opinión?"}), languages=("es", "fr-informal")
    )
    assert only_question(survey).text_fr == "Ton avis ?"
    assert any(line.startswith("Langue es : textes non importés") for line in report["not_mapped"])
    assert report["languages"] == ["es", "fr-informal"]


def test_a_missing_french_translation_falls_back_to_another_language_and_is_reported():
    survey, report = imported(q("S", "Q1", {"fr": "", "en": "Your opinion?"}), languages=("fr", "en"))
    assert only_question(survey).text_fr == "Your opinion?"
    assert "Question Q1, texte : pas de texte en fr, texte en utilisé, à traduire." in report["not_mapped"]


# --- campaigns -------------------------------------------------------------------------------------------


def test_survey_is_attached_to_a_survey_campaign():
    target = campaign(kind=Campaign.Kind.SURVEY)
    survey, _report = survey_import(PEERS / "citric_survey.lss", campaign=target)
    assert survey.campaign == target


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda: campaign(kind=Campaign.Kind.IDEATION), "ne recueille que des idées"),
        (
            lambda: Survey.objects.create(title_fr="Déjà là", campaign=campaign(kind=Campaign.Kind.BOTH)).campaign,
            "a déjà un questionnaire",
        ),
    ],
)
def test_a_campaign_that_cannot_take_a_survey_is_refused_before_anything_is_written(setup, message):
    target = setup()
    before = Survey.objects.count()
    with pytest.raises(LimeSurveyError, match=message) as error:
        survey_import(PEERS / "citric_survey.lss", campaign=target)
    assert error.value.field == "campaign"
    assert Survey.objects.count() == before and not Question.objects.exists()


def test_planning_reads_the_file_without_touching_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        plan = survey_plan(PEERS / "citric_answers.lss")
    assert [question.code for question in plan.sections[0].questions] == ["Q01", "Q02"]


def test_the_number_of_queries_does_not_grow_with_the_survey():
    def queries(content):
        with CaptureQueriesContext(connection) as context:
            survey_import(content)
        return len(context.captured_queries)

    small = lss(q("F", "Q1", sub=[("r1", "x")], answers=[("a", "a")]))
    large = lss(
        *[
            q("F", f"Q{number}", sub=[("r1", "x"), ("r2", "y")], answers=[("a", "a"), ("b", "b")])
            for number in range(30)
        ]
    )
    assert queries(large) == queries(small)
