"""An ambassador answers a concept survey in a real Chromium, from the link of the email the SMTP server got."""

import re

import pytest

from campaigns.delivery import campaign_launch
from campaigns.models import Campaign, Invitation
from surveys.demo import seed_survey
from surveys.models import Answer, Response
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_ambassador_answers_the_survey_from_the_emailed_link_over_two_sittings(
        page, live_server, smtp_server, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = live_server.url
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.SURVEY)
    seed_survey(target)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(target)
    [message] = smtp_server.to("lea@exemple.fr")
    link = re.search(r'href="(http://[^"]+/i/[0-9a-f]{64}/)"', message.get_body(("html",)).get_content()).group(1)

    page.goto(link)
    page.get_by_role("link", name="Répondre au questionnaire").click()
    assert page.get_by_text("classe vos dépenses").is_visible()
    # a required question left out: the error is announced and named next to the field
    page.get_by_role("button", name="Page suivante").click()
    assert page.get_by_role("alert").is_visible()
    assert page.locator("#error-summary").evaluate("element => element === document.activeElement")
    page.get_by_label("Tous les jours").check()
    page.get_by_label("Suivi du budget").check()
    page.get_by_role("group", name="Sommes-nous votre banque principale ? (obligatoire)").get_by_label("Non").check()
    page.get_by_role("button", name="Page suivante").click()
    page.wait_for_url("**/2/")
    page.get_by_role("group", name=re.compile("Quel intérêt")).get_by_label("4").check()
    page.get_by_role("button", name="Enregistrer et finir plus tard").click()
    assert page.get_by_text("Vos réponses sont enregistrées").is_visible()

    # a second sitting, from the email again, by keyboard only
    page.context.clear_cookies()
    page.goto(link)
    page.get_by_role("link", name="Répondre au questionnaire").click()
    page.wait_for_url("**/2/")
    assert page.get_by_role("group", name=re.compile("Quel intérêt")).get_by_label("4").is_checked()
    clarity = page.get_by_role("group", name=re.compile("Le concept est clair")).get_by_label("D'accord", exact=True)
    clarity.focus()
    page.keyboard.press("Space")
    assert clarity.is_checked()
    page.get_by_role("button", name="Page suivante").click()
    page.wait_for_url("**/3/")
    page.get_by_role("group", name=re.compile("Recommanderiez-vous")).get_by_label("8", exact=True).check()
    page.get_by_label("Quel budget mensuel suivez-vous (en euros) ?").fill("350")
    page.get_by_role("button", name="Page suivante").click()
    page.wait_for_url("**/4/")  # shown because the answer was "no"
    page.get_by_label("Quelle est votre banque principale ?").fill("La Banque du Coin")
    page.get_by_label("Pourquoi une autre banque est-elle votre banque principale ?").select_option("tarifs")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_url("**/merci/")
    assert page.get_by_role("heading", name="Merci, vos réponses sont bien enregistrées.").is_visible()

    invitation = Invitation.objects.get()
    assert invitation.responded_at is not None and Response.objects.get().submitted_at is not None
    assert Answer.objects.get(question__code="nps").number == 8
    assert Answer.objects.get(question__code="montant").number == 350
    assert Answer.objects.get(question__code="autre_banque").text == "La Banque du Coin"
