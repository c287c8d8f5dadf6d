"""``manage.py import_limesurvey PATH [--campaign SLUG]``."""

import pytest
from django.core.management import CommandError, call_command

from campaigns.models import Campaign
from surveys.models import Question, Survey
from tests.campaigns.factories import campaign

pytestmark = pytest.mark.django_db

from tests.surveys.peers import PEERS  # noqa: E402


def run(*args):
    return call_command("import_limesurvey", *map(str, args))


def test_import_prints_the_survey_and_what_was_and_was_not_imported(capsys):
    run(PEERS / "citric_survey.lss")
    out = capsys.readouterr().out
    survey = Survey.objects.get()
    assert (
        f"Questionnaire {survey.pk} créé : « Test Survey » — 2 pages, 4 questions, 0 choix, 0 lignes de tableau." in out
    )
    assert "Sans campagne : à rattacher depuis l'administration." in out
    assert "  + Question G01Q02 (5, choix à 5 points) → Note sur une échelle : obligatoire." in out
    assert "  + Question G02Q03 (|, envoi de fichier) → Envoi de fichier." in out
    assert "  - Question G02Q03 : un seul fichier par question (3 prévus)." in out
    assert survey.campaign is None


def test_campaign_option_attaches_the_survey(capsys):
    target = campaign(slug="concept-carte", kind=Campaign.Kind.SURVEY)
    run(PEERS / "citric_answers.lss", "--campaign", "concept-carte")
    assert Survey.objects.get().campaign == target
    assert "Rattaché à la campagne" in capsys.readouterr().out


def test_unknown_campaign_is_refused():
    with pytest.raises(CommandError, match="Aucune campagne n'a pour identifiant « nulle-part »."):
        run(PEERS / "citric_survey.lss", "--campaign", "nulle-part")
    assert not Survey.objects.exists()


def test_ideation_campaign_is_refused():
    campaign(slug="idees", kind=Campaign.Kind.IDEATION)
    with pytest.raises(CommandError, match="ne recueille que des idées"):
        run(PEERS / "citric_survey.lss", "--campaign", "idees")
    assert not Survey.objects.exists()


def test_campaign_that_already_has_a_survey_is_refused():
    target = campaign(slug="deja", kind=Campaign.Kind.BOTH)
    Survey.objects.create(title_fr="Le premier", campaign=target)
    with pytest.raises(CommandError, match="a déjà un questionnaire \\(« Le premier »\\)"):
        run(PEERS / "citric_survey.lss", "--campaign", "deja")
    assert Survey.objects.count() == 1 and not Question.objects.exists()


def test_broken_file_is_a_command_error_and_creates_nothing(tmp_path):
    path = tmp_path / "casse.lss"
    path.write_text("<document><LimeSurveyDocType>Survey</LimeSurveyDocType>\n<surveys>\n</document>")
    with pytest.raises(CommandError, match="XML illisible, ligne 3"):
        run(path)
    assert not Survey.objects.exists()


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run(tmp_path / "absent.lss")


def test_import_closes_with_the_conditions_translated_and_not(capsys):
    run(PEERS / "limesurvey_ls2_group_relevance.lss")
    out = capsys.readouterr().out
    assert out.rstrip().endswith("Conditions : 29 traduites, 0 non traduites.")


def test_a_file_holding_nothing_to_answer_is_a_command_error_and_creates_nothing(tmp_path):
    path = tmp_path / "display_only.lss"
    content = (PEERS / "limesurvey_survey_561859_file_upload_only.lss").read_bytes()
    path.write_bytes(content.replace(b"<type><![CDATA[|]]></type>", b"<type><![CDATA[*]]></type>"))
    with pytest.raises(CommandError, match="aucune question à laquelle répondre"):
        run(path)
    assert not Survey.objects.exists()
