"""The LimeSurvey import in the Wagtail admin: the product team uploads, other roles are refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Campaign
from surveys.models import Question, Section, Survey
from tests.campaigns.factories import campaign

pytestmark = pytest.mark.django_db

from tests.surveys.peers import PEERS  # noqa: E402

IMPORT = "limesurvey_import:index"


def refused(response):
    """Wagtail answers a refused admin page with 403, or a redirect to the dashboard or the login page."""
    if response.status_code == 403:
        return True
    return (response.status_code == 302 and response.url.rstrip("/").endswith(("/admin", "/admin/login"))) or (
        response.status_code == 302 and "/admin/login/" in response.url
    )


def upload(name, content=None):
    return SimpleUploadedFile(
        name, content if content is not None else (PEERS / name).read_bytes(), content_type="application/xml"
    )


def test_product_team_imports_a_file_and_sees_the_report(client_for, product_user):
    client = client_for(product_user)
    assert client.get(reverse(IMPORT)).status_code == 200
    response = client.post(reverse(IMPORT), {"file": upload("citric_survey.lss")})
    survey = Survey.objects.get()
    assert response.status_code == 302 and response.url == reverse("limesurvey_import:report", args=[survey.pk])
    report = client.get(response.url)
    assert report.status_code == 200
    content = report.content.decode()
    assert "Test Survey" in content and "LimeSurvey 123456" in content
    assert "Question G02Q03 (|, envoi de fichier) → Envoi de fichier." in content
    assert "Question G01Q01 (T, texte long) → Texte long." in content
    assert reverse("wagtailsnippets_surveys_survey:edit", args=[survey.pk]) in content
    assert "data-questions>4<" in content and "data-sections>2<" in content


def test_campaign_choice_lists_only_survey_campaigns_without_a_survey(client_for, product_user):
    free = campaign(slug="libre", title="Campagne libre", kind=Campaign.Kind.SURVEY)
    campaign(slug="idees", title="Campagne d'idées", kind=Campaign.Kind.IDEATION)
    taken = campaign(slug="prise", title="Campagne prise", kind=Campaign.Kind.BOTH)
    Survey.objects.create(title_fr="Déjà là", campaign=taken)
    client = client_for(product_user)
    page = client.get(reverse(IMPORT)).content.decode()
    assert "Campagne libre" in page and "Campagne d&#x27;idées" not in page and "Campagne prise" not in page
    client.post(reverse(IMPORT), {"file": upload("citric_answers.lss"), "campaign": free.pk})
    assert Survey.objects.get(source="LimeSurvey 616667").campaign == free


def test_hostile_file_report_shows_no_script(client_for, product_user):
    client = client_for(product_user)
    response = client.post(reverse(IMPORT), {"file": upload("limesurvey_survey_XssAndScriptCheck.lss")})
    report = client.get(response.url).content.decode()
    assert "alert(" not in report
    assert "Question Q00 : script non importé." in report


@pytest.mark.parametrize("role", ["analyst_user", "outsider_user", "editor_user"])
def test_other_roles_cannot_import_or_read_reports(request, client_for, role):
    survey = Survey.objects.create(
        title_fr="Importé", source="LimeSurvey 1", import_report={"mapped": ["secret"], "not_mapped": []}
    )
    client = client_for(request.getfixturevalue(role))
    assert refused(client.get(reverse(IMPORT)))
    assert refused(client.post(reverse(IMPORT), {"file": upload("citric_survey.lss")}))
    report = client.get(reverse("limesurvey_import:report", args=[survey.pk]))
    assert refused(report) and b"secret" not in report.content
    assert Survey.objects.count() == 1


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse(IMPORT))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_broken_file_shows_the_error_and_creates_nothing(client_for, product_user):
    client = client_for(product_user)
    response = client.post(reverse(IMPORT), {"file": upload("casse.lss", b"<document><surveys></document>")})
    assert response.status_code == 200
    assert "XML illisible, ligne 1, colonne" in response.content.decode()
    assert not Survey.objects.exists() and not Section.objects.exists() and not Question.objects.exists()


def test_entity_file_shows_the_security_refusal(client_for, product_user):
    content = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><document>&a;</document>'
    response = client_for(product_user).post(reverse(IMPORT), {"file": upload("bombe.lss", content)})
    assert response.status_code == 200 and "refusé par sécurité" in response.content.decode()
    assert not Survey.objects.exists()


def test_wrong_extension_is_refused_on_the_form(client_for, product_user):
    response = client_for(product_user).post(reverse(IMPORT), {"file": upload("sondage.csv", b"a;b\n")})
    assert response.status_code == 200 and "Extension .csv non prise en charge" in response.content.decode()
    assert not Survey.objects.exists()


def test_the_report_shows_the_conditions_translated_and_not(client_for, product_user):
    client = client_for(product_user)
    response = client.post(reverse(IMPORT), {"file": upload("limesurvey_survey_previewGroupQuestion.lss")})
    content = client.get(response.url).content.decode()
    assert "data-conditions>10 traduites, 0 non traduites<" in content
