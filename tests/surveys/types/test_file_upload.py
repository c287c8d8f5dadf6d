"""A file sent as an answer (``surveys.types.file_upload``, ``surveys.files``): only in a survey that allows
uploads; its type read from its content, not its name; its size bounded; stored in a private storage nothing
serves; kept when the page is saved again, replaced when another is sent; downloaded as an attachment by those
who may see ambassadors only; never named in a report; erased with the ambassador's personal data; swept when no
answer names it."""

import datetime
import html
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaigns.audience.personal_data import ambassador_erase, ambassador_export
from reports.survey_stats import survey_results
from surveys.files import files_sweep
from surveys.models import Answer, Question
from surveys.types import question_type
from surveys.types.base import AnswerValues
from surveys.types.file_upload import survey_files_storage
from tests.admin_pages import refused
from tests.surveys.factories import PDF, sent_file
from tests.surveys.types.answering import launched, visit
from tests.surveys.types.conftest import invitations, question

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SCRIPT = b"#!/bin/sh\nrm -rf /\n"


def upload(content, name="devis.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def invited():
    return launched("file_upload", code="devis", settings={"file_types": "pdf", "max_size_kb": 1}, required=True)


def stored_files():
    storage = survey_files_storage()
    return sorted(os.path.join(folder, name) for folder, _dirs, names in os.walk(storage.location) for name in names)


# --- the question, in the admin ---------------------------------------------------------------------------------


def test_a_file_question_needs_a_survey_that_allows_uploads(survey):
    asked = question(survey, "devis", "file_upload")
    with pytest.raises(ValidationError, match="Ce questionnaire n'accepte pas de fichiers"):
        asked.full_clean()
    survey.allow_uploads = True
    survey.save()
    asked.refresh_from_db()
    asked.full_clean()
    survey.allow_uploads = False
    with pytest.raises(ValidationError, match="Des questions de ce questionnaire demandent un fichier"):
        survey.full_clean()


def test_only_accepted_types_may_be_listed(survey):
    survey.allow_uploads = True
    survey.save()
    asked = question(survey, "devis", "file_upload", settings={"file_types": "pdf, exe, svg"})
    with pytest.raises(ValidationError, match="Types de fichier non acceptés : exe, svg"):
        asked.full_clean()


# --- answering -----------------------------------------------------------------------------------------------


def test_a_pdf_is_stored_privately_under_an_unguessable_name(client, settings, invited):
    invitation, asked = invited
    url = visit(client, invitation)
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'accept=".pdf"' in page
    assert "Fichiers acceptés : pdf ; 1 Ko au plus." in page
    response = client.post(url, {f"q{asked.pk}": upload(PDF, "Mon devis (final).PDF"), "action": "next"})
    assert response.status_code == 302
    stored = Answer.objects.get().text
    assert stored.startswith(f"survey-files/{asked.pk}/") and stored.endswith("/Mon-devis-final.pdf")
    assert len(stored.split("/")[2]) == 32
    assert survey_files_storage().open(stored).read() == PDF
    assert str(settings.MEDIA_ROOT) not in str(survey_files_storage().location)
    assert client.get(f"/media/{stored}").status_code == 404


@pytest.mark.parametrize(
    "content, name, message",
    [
        (SCRIPT, "photo.pdf", "son contenu a été vérifié, pas son nom"),
        (PNG, "devis.pdf", "n'est pas d'un type accepté (pdf)"),
        (PDF + b"x" * 2048, "devis.pdf", "Ko : 1 Ko au plus."),
    ],
)
def test_a_file_of_the_wrong_type_or_too_big_is_refused_and_nothing_is_kept(client, invited, content, name, message):
    invitation, asked = invited
    url = visit(client, invitation)
    response = client.post(url, {f"q{asked.pk}": upload(content, name), "action": "next"})
    assert response.status_code == 400 and message in html.unescape(response.content.decode())
    assert not Answer.objects.exists() and not stored_files()


def test_saving_the_page_again_keeps_the_file_and_another_replaces_it(client, invited):
    invitation, asked = invited
    url = visit(client, invitation)
    assert client.post(url, {f"q{asked.pk}": upload(PDF, "un.pdf"), "action": "later"}).status_code == 302
    first = Answer.objects.get().text
    page = client.get(url).content.decode()
    assert "Déjà envoyé : un.pdf" in page and first not in page  # the name, never where it is stored
    assert client.post(url, {"action": "next"}).status_code == 302  # required, and already sent
    assert Answer.objects.get().text == first
    invitation.refresh_from_db()
    assert client.post(url, {f"q{asked.pk}": upload(PDF, "deux.pdf"), "action": "later"}).status_code == 302
    assert Answer.objects.get().text.endswith("/deux.pdf")


def test_conditions_see_a_file_sent_and_expressions_its_name(survey):
    asked = question(survey, "devis", "file_upload")
    answers = [Answer(text="survey-files/1/abc/devis.pdf")]
    assert question_type("file_upload").expression_value(asked, answers, {}, {}) == ("devis.pdf", {})
    assert question_type("file_upload").tokens(asked, answers) == set()


# --- staff ---------------------------------------------------------------------------------------------------


def test_the_product_team_downloads_a_file_as_an_attachment(client_for, product_user, survey):
    invitation = invitations(survey.campaign, 1)[0]
    answer = sent_file(survey, invitation)
    client = client_for(product_user)
    listing = client.get(reverse("survey_files:list", args=[survey.pk])).content.decode()
    assert "devis.pdf" in listing and invitation.ambassador.email in listing
    response = client.get(reverse("survey_files:file", args=[answer.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "justificatif-devis.pdf" in response["Content-Disposition"]
    )
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("role", ["analyst_user", "editor_user", "moderator_user", "outsider_user"])
def test_no_one_else_lists_or_downloads_the_files(request, client_for, survey, role):
    answer = sent_file(survey, invitations(survey.campaign, 1)[0])
    client = client_for(request.getfixturevalue(role))
    assert refused(client.get(reverse("survey_files:list", args=[survey.pk])))
    assert refused(client.get(reverse("survey_files:file", args=[answer.pk])))


def test_an_answer_that_is_no_file_is_not_downloaded(client_for, product_user, survey):
    sent_file(survey, invitations(survey.campaign, 1)[0])
    other = question(survey, "avis", "short_text")
    text = Answer.objects.create(response=Answer.objects.get().response, question=other, text="../../secret_key")
    response = client_for(product_user).get(reverse("survey_files:file", args=[text.pk]))
    assert response.status_code == 404
    forged = Answer.objects.create(response=text.response, question=Question.objects.get(code="justificatif"), text="x")
    forged.text = "survey-files/../../secret_key"
    forged.save()
    assert client_for(product_user).get(reverse("survey_files:file", args=[forged.pk])).status_code == 404


def test_the_anonymous_survey_lists_files_without_who_sent_them(client_for, product_user, survey):
    survey.anonymous = True
    survey.save()
    invitation = invitations(survey.campaign, 1)[0]
    sent_file(survey, invitation)
    listing = client_for(product_user).get(reverse("survey_files:list", args=[survey.pk])).content.decode()
    assert "devis.pdf" in listing and invitation.ambassador.email not in listing


def test_reports_count_those_who_sent_a_file_and_never_name_it(survey, settings):
    settings.PRIVACY_THRESHOLD = 1
    answer = sent_file(survey, invitations(survey.campaign, 1)[0])
    answer.response.submitted_at = timezone.now()
    answer.response.save()
    result = next(result for result in survey_results(survey) if result.question.kind == "file_upload")
    assert result.respondents == 1 and result.texts == [] and result.table is None and not result.distribution
    asked = Question.objects.get(code="justificatif")
    assert question_type("file_upload").export_cells(
        asked, [AnswerValues(None, None, None, None, answer.text)], {}
    ) == ["devis.pdf"]


# --- personal data -------------------------------------------------------------------------------------------


def test_erasing_an_ambassador_deletes_their_files(django_capture_on_commit_callbacks, survey):
    invitation = invitations(survey.campaign, 1)[0]
    answer = sent_file(survey, invitation)
    assert ambassador_export(invitation.ambassador)["survey_files"] == [
        {"survey": survey.title_fr, "question": "justificatif", "file": "devis.pdf"}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        erasure = ambassador_erase(invitation.ambassador)
    assert "1 fichier envoyé supprimé." in erasure.done
    assert not Answer.objects.filter(pk=answer.pk).exists()
    assert not survey_files_storage().exists(answer.text)


def test_the_sweep_deletes_old_files_no_answer_names(survey):
    kept = sent_file(survey, invitations(survey.campaign, 1)[0])
    storage = survey_files_storage()
    orphan = storage.save("survey-files/1/ffffffffffffffffffffffffffffffff/ancien.pdf", SimpleUploadedFile("a", PDF))
    assert files_sweep() == 0  # too recent: a page may be saving it now
    later = timezone.now() + datetime.timedelta(hours=7)
    assert files_sweep(now=later) == 1
    assert not storage.exists(orphan) and storage.exists(kept.text)


def test_the_survey_listing_leads_the_product_team_to_the_files_and_the_analyst_nowhere(
    client_for, product_user, analyst_user, survey
):
    sent_file(survey, invitations(survey.campaign, 1)[0])
    files_url = reverse("survey_files:list", args=[survey.pk])
    listing = reverse("wagtailsnippets_surveys_survey:list")
    assert files_url in client_for(product_user).get(listing).content.decode()
    assert files_url not in client_for(analyst_user).get(listing).content.decode()
    edit = client_for(product_user).get(reverse("wagtailsnippets_surveys_survey:edit", args=[survey.pk]))
    assert 'name="allow_uploads"' in edit.content.decode()
