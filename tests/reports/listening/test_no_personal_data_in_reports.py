"""No free text carrying an email, a phone number, an IBAN, a card number or its author's name reaches a report
page, a report file or the API: the texts are scrubbed where the reports take them (``reports.survey_stats``,
``reports.listening``), the themes' quotes included, whether they come from answers, ideas or comments."""

import re

from django.urls import reverse
from openpyxl import load_workbook

from api.keys import key_create
from api.models import Role
from campaigns.models import Invitation
from ideas.models import Idea
from reports.export_jobs import export_write
from reports.survey_stats import survey_results
from tests.reports.conftest import respond
from tests.reports.listening.fixtures import COMPLAINTS_PHONE
from tests.reports.listening.writing import comments_written, ideas_written

PERSONAL = ["camille.martin@exemple.fr", "06 12 34 56 78", "+33 6 12 34 56 78", "FR76 3000 6000 0112 3456 7890 189"]
PERSONAL += ["4111 1111 1111 1111", "Nom0", "Nom3", "Nom4", "Nom5"]
TEXTS = [
    "Appelez-moi au 06 12 34 56 78, l'application plante tout le temps.",
    "Mon IBAN est FR76 3000 6000 0112 3456 7890 189 et le virement n'arrive jamais.",
    "Écrivez à camille.martin@exemple.fr : la carte 4111 1111 1111 1111 est bloquée.",
    "Ici {name}, joignable au +33 6 12 34 56 78, le service client ne répond pas.",
    "Signé {name} : très satisfait de l'application.",
    "{name} trouve les frais trop élevés.",
]  # {name}: the author's own last name


def answered_with_personal_data(survey):
    invitations = Invitation.objects.filter(campaign=survey.campaign, ambassador__region="bre").order_by("pk")
    for invitation, text in zip(invitations.exclude(status=Invitation.Status.SKIPPED), TEXTS):
        respond(invitation, survey, usage="jour", idees=text.format(name=invitation.ambassador.last_name))
    return survey


def test_survey_results_give_free_texts_scrubbed_of_contacts_iban_cards_and_author_names(survey, settings):
    settings.PRIVACY_THRESHOLD = 5
    answered_with_personal_data(survey)
    texts = " ".join(next(result for result in survey_results(survey) if result.question.code == "idees").texts)
    assert "[téléphone]" in texts and "[IBAN]" in texts and "[courriel]" in texts and "[carte]" in texts
    assert "[nom]" in texts and "l'application plante" in texts
    assert not [item for item in PERSONAL if item in texts]


def idea_with_personal_data(board):
    author = Invitation.objects.filter(campaign=board.campaign).order_by("pk").first().ambassador
    title = f"{author.last_name} : rappelez-moi au 06 12 34 56 78 ou camille.martin@exemple.fr"
    return Idea.objects.create(campaign=board.campaign, title=title, author=author)


def test_no_personal_data_reaches_the_report_page_its_csv_or_the_workbook(
    survey, board, settings, client_for, analyst_user, tmp_path
):
    settings.PRIVACY_THRESHOLD = 5
    answered_with_personal_data(survey)
    idea_with_personal_data(board)
    campaign = survey.campaign
    client = client_for(analyst_user)
    page = client.get(reverse("reports:campaign", args=[campaign.pk])).content.decode()
    assert "[courriel]" in page and "[nom] : rappelez-moi au [téléphone]" in page  # there, scrubbed
    summary = client.get(reverse("reports:csv", args=[campaign.pk, "summary"]))
    csv_text = b"".join(summary.streaming_content).decode("utf-8-sig")
    assert "[courriel]" in csv_text
    ideas = client.get(reverse("reports:csv", args=[campaign.pk, "ideas"]))
    csv_text += b"".join(ideas.streaming_content).decode("utf-8-sig")
    assert "[nom] : rappelez-moi" in csv_text
    export_write(campaign, "xlsx", tmp_path / "rapport.xlsx", identities=False)
    workbook = load_workbook(tmp_path / "rapport.xlsx", read_only=True)
    cells = " ".join(str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True) for value in row)
    assert "[courriel]" in cells
    for where, text in (("page", page), ("csv", csv_text), ("workbook", cells)):
        assert not [item for item in PERSONAL if item in text], where


CONTACT = (
    "Ici {name} : rappelez-moi au 06 12 34 56 78 ou camille.martin@exemple.fr, IBAN FR76 3000 6000 0112 3456 7890 189."
)
COMMENTS = [f"{text} {CONTACT}" for text in COMPLAINTS_PHONE]


def written_with_personal_data(campaign):
    """Ideas and comments about the phone line, each with its author's name and contacts: a theme of 12 authors,
    whose quotes (the most negative texts) carry them."""
    ideas = ideas_written(campaign, COMPLAINTS_PHONE, body=CONTACT)
    comments_written(ideas[0], COMMENTS, start=6)
    return campaign


def api_get(client, path):
    text = key_create(name="crm", role=Role.ANALYST)[1]
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {text}"})


def test_no_personal_data_from_ideas_or_comments_reaches_the_themes_on_the_page_the_files_or_the_api(
    known, settings, client_for, analyst_user, tmp_path
):
    settings.PRIVACY_THRESHOLD = 5
    campaign = written_with_personal_data(known)
    client = client_for(analyst_user)
    page = client.get(reverse("reports:campaign", args=[campaign.pk])).content.decode()
    section = re.search(r"<section class=\"report-listening\".*?</section>", page, re.S).group(0)
    assert "[téléphone]" in section and "[courriel]" in section and "[IBAN]" in section and "[nom]" in section
    themes = client.get(reverse("reports:csv", args=[campaign.pk, "themes"]))
    csv_text = b"".join(themes.streaming_content).decode("utf-8-sig")
    assert "[téléphone]" in csv_text
    export_write(campaign, "xlsx", tmp_path / "rapport.xlsx", identities=False)
    workbook = load_workbook(tmp_path / "rapport.xlsx", read_only=True)
    sheet = " ".join(str(value) for row in workbook["Thèmes"].iter_rows(values_only=True) for value in row)
    assert "[courriel]" in sheet and "[IBAN]" in sheet
    cells = " ".join(str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True) for value in row)
    answer = api_get(client, f"/campaigns/{campaign.pk}/themes")
    quotes = " ".join(quote for theme in answer.json()["themes"] for quote in theme["quotes"])
    assert "[téléphone]" in quotes
    for where, text in (("page", page), ("csv", csv_text), ("workbook", cells), ("api", answer.content.decode())):
        assert not [item for item in PERSONAL if item in text], where
