"""A product team member's whole journey in a real Chromium, against a live server, a real django-q2 cluster on
Redis and a real SMTP server: import ambassadors, build a segment, create a survey campaign and its survey (all
through the admin, the survey in its builder), send a test email, launch, and watch the follow-up
figures move as ambassadors open, click
and answer. Key screens are photographed (docs/screenshots/journey-product-*.png)."""

import re
import threading
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule
from playwright.sync_api import expect

from campaigns.models import Ambassador, Campaign, Invitation
from surveys.models import Answer, Question, Survey
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.cluster import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Budget automatique"
# (email, first name, language): twelve in Brittany, the segment's audience, and two in Paris, outside it
BRETONS = [(f"breton{number:02}@exemple.fr", f"Breton{number}", "fr") for number in range(11)] + [
    ("gwen@exemple.fr", "Gwen", "en")
]
PARISIANS = [("paul@exemple.fr", "Paul", "fr"), ("zoe@exemple.fr", "Zoé", "fr")]
FIGURES = ("invited", "waiting", "sent", "opened", "clicked", "responded")


def shoot(page, name, device="desktop"):
    # not full page: its resizing would reopen the date pickers of the campaign form
    screenshot(page, f"journey-product-{name}-{device}", full_page=False)


def figures(page):
    """The follow-up page's figures as numbers (the "opened" cell adds the human estimate after its number)."""
    return {name: int(page.locator(f"[data-figure={name}]").inner_text().split()[0]) for name in FIGURES}


def fetch(url):
    """What a mail client does with the pixel or the link: a plain GET (redirects followed)."""
    request = urllib.request.Request(url, headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Thunderbird/128.0"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_product_team_imports_targets_tests_launches_and_watches_the_figures(
    page, chromium, live_server, cluster, smtp_server, settings, product_user, tmp_path
):
    settings.SITE_URL = live_server.url
    cluster.env["SITE_URL"] = live_server.url
    # The test holds the SMTP server for a moment to see the page mid-sending; the every-minute tick would take a
    # claim held past SEND_LEASE_SECONDS for a dead sender's and send again: it is put off. Launch needs no tick.
    assert Schedule.objects.filter(name="campaigns: tick").update(next_run=timezone.now() + timedelta(hours=1)) == 1
    cluster.start()  # boots while the person logs in
    log_in(page, product_user)
    phone = chromium.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport=PHONE,
        device_scale_factor=1,
        storage_state=page.context.storage_state(),
    ).new_page()  # the same session

    # 1. Import: the cluster runs it, the page follows its progress by itself.
    upload = tmp_path / "ambassadeurs.csv"
    upload.write_text(
        "\ufeffemail;prenom;nom;langue;region\n"
        + "".join(
            f"{email};{first};Test;{locale};{region}\n"
            for people, region in ((BRETONS, "Bretagne"), (PARISIANS, "idf"))
            for email, first, locale in people
        ),
        encoding="utf-8",
    )
    page.get_by_role("button", name="Ambassadeurs").click()
    page.get_by_role("link", name="Importer").click()
    page.get_by_label("Fichier").set_input_files(str(upload))
    page.get_by_role("button", name="Importer").click()
    page.wait_for_selector("[data-import-status=done]", timeout=60_000)
    assert page.locator("[data-created]").inner_text() == "14"
    assert page.locator("[data-rejected]").inner_text() == "0"
    assert Ambassador.objects.filter(region="bre", consent_at__isnull=False).count() == 12
    shoot(page, "import")

    # 2. A segment of the Bretons: its size shows live while the rule is typed.
    page.goto("/admin/snippets/campaigns/segment/add/")
    page.get_by_role("textbox", name="Nom*").fill("Bretons importés")
    page.get_by_role("button", name=re.compile("Ajouter.*condition")).click()
    page.locator("select[name='rules-0-attribute']").select_option("region_in")
    page.get_by_role("checkbox", name="Bretagne").check()
    page.wait_for_function("document.querySelector('[data-segment-size-output]').dataset.count === '12'")
    page.locator("[data-segment-size-output]").scroll_into_view_if_needed()
    shoot(page, "segment")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/admin/snippets/campaigns/segment/$"))

    # 3. The survey campaign: its settings, audience and email in French and English.
    page.goto("/admin/snippets/campaigns/campaign/add/")
    page.fill("#id_title", TITLE)
    page.fill("#id_slug", "budget-auto")
    page.select_option("#id_kind", "survey")
    page.select_option("#id_owner", str(product_user.pk))
    page.get_by_role("checkbox", name="Bretons importés").check()
    now = timezone.localtime()
    pickers = page.locator(".xdsoft_datetimepicker:visible")
    for field, when in (("opens_at", now), ("closes_at", now + timedelta(days=14))):
        page.fill(f"#id_{field}", when.strftime("%Y-%m-%d %H:%M"))
        expect(pickers).to_have_count(1)  # a date picker opens a moment after its field takes the focus,
        page.press(f"#id_{field}", "Tab")  # and Tab closes it
    expect(pickers).to_have_count(0)
    shoot(page, "campaign-form")
    page.get_by_role("tab", name="E-mail d'invitation").click()
    page.fill("#id_reply_to", "equipe.produit@banque.example")
    page.fill("#id_subject_fr", "{prenom}, votre avis sur {campagne}")
    page.fill("#id_body_fr", "Bonjour {prenom},\n\nDonnez-nous votre avis avant le {date_cloture} : {lien}")
    page.fill("#id_subject_en", "{prenom}, your opinion on {campagne}")
    page.fill("#id_body_en", "Hello {prenom},\n\nTell us what you think: {lien}")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/admin/snippets/campaigns/campaign/$"))
    target = Campaign.objects.get(slug="budget-auto")
    assert (target.kind, target.status, target.owner) == (Campaign.Kind.SURVEY, Campaign.Status.DRAFT, product_user)
    assert target.opens_at <= timezone.now()
    assert timezone.localtime(target.closes_at).date() == (now + timedelta(days=14)).date()

    # Its follow-up page (from the listing) says a survey campaign needs its survey and will not launch yet.
    page.get_by_role("link", name="Suivi").click()
    page.wait_for_url(f"**/campaign_actions/{target.pk}/")
    expect(page.get_by_text("Une campagne avec questionnaire ne se lance pas sans questionnaire")).to_be_visible()
    expect(page.get_by_role("button", name="Lancer maintenant")).to_be_disabled()

    # 4. The survey, built on one screen from the campaign form: one page and one required yes/no question.
    page.goto(f"/admin/snippets/campaigns/campaign/edit/{target.pk}/")
    page.get_by_role("link", name="Construire son questionnaire").click()
    page.fill("#id_title_fr", "Le budget automatique vous aiderait-il ?")
    page.locator("input[name='sections-0-title_fr']").fill("Votre avis")
    page.fill("[name='questions-0-code']", "utile")
    page.select_option("[name='questions-0-kind']", "yes_no")
    page.fill("[name='questions-0-text_fr']", "Ce budget automatique vous serait-il utile ?")
    page.check("[name='questions-0-required']")
    page.get_by_role("button", name="Enregistrer").first.click()
    page.wait_for_url(re.compile(r"/admin/snippets/surveys/survey/"))
    survey = Survey.objects.get(campaign=target)
    question = Question.objects.get(survey=survey)
    assert (question.kind, question.required, question.section.title_fr) == (Question.Kind.YES_NO, True, "Votre avis")

    # 5. Back on the follow-up page: ready to launch; a test email to oneself through the SMTP server.
    page.goto("/admin/snippets/campaigns/campaign/")
    page.get_by_role("link", name="Suivi").click()
    page.wait_for_url(f"**/campaign_actions/{target.pk}/")
    expect(page.get_by_text("Public visé aujourd'hui : 12 ambassadeurs contactables.")).to_be_visible()
    expect(page.get_by_role("button", name="Lancer maintenant")).to_be_enabled()
    page.get_by_role("button", name="M'envoyer un e-mail de test").click()
    expect(page.get_by_text("E-mail de test envoyé à produit@banque.example.")).to_be_visible()
    [test_email] = wait_for(lambda: smtp_server.to("produit@banque.example"), timeout=10, what="the test email")
    assert test_email["Subject"] == f"[TEST] Produit, votre avis sur {TITLE}"
    assert len(smtp_server.messages) == 1 and not Invitation.objects.exists()
    shoot(page, "overview-before")
    phone.goto(page.url)
    shoot(phone, "overview-before", "phone")

    # 6. Launch. The SMTP server holds the first invitation until the test has seen the page mid-sending.
    gate = threading.Event()
    smtp_server.reply = lambda rcpt, attempt: None if gate.wait(timeout=20) else "451 4.3.0 Gate left shut"
    page.get_by_role("button", name="Lancer maintenant").click()
    # The checklist sums the launch up and asks for the number of people, typed back.
    expect(page.locator("[data-figure=invited]")).to_have_text("12")
    shoot(page, "launch-checklist")
    page.get_by_label("Nombre de personnes à inviter").fill("12")
    page.get_by_role("button", name="Envoyer à 12 personnes").click()
    expect(page.get_by_text("Campagne lancée : 12 invitations en cours d'envoi.")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Envoi")).to_be_visible()
    assert figures(page) == {"invited": 12, "waiting": 12, "sent": 0, "opened": 0, "clicked": 0, "responded": 0}
    shoot(page, "overview-sending")
    gate.set()
    # From here the test does not navigate: the figures can only move through the page's own refreshing.
    expect(page.locator("[data-figure=sent]")).to_have_text("12", timeout=60_000)
    expect(page.get_by_role("progressbar")).to_have_count(0)  # all sent: the page stops refreshing
    assert figures(page) == {"invited": 12, "waiting": 0, "sent": 12, "opened": 0, "clicked": 0, "responded": 0}
    # one invitation to each Breton, in their language; none to the Parisians
    invitations = {rcpt: message for rcpt, message in smtp_server.messages if rcpt != "produit@banque.example"}
    assert len(smtp_server.messages) == 1 + 12 and set(invitations) == {email for email, _, _ in BRETONS}
    assert invitations["breton00@exemple.fr"]["Subject"] == f"Breton0, votre avis sur {TITLE}"
    assert invitations["gwen@exemple.fr"]["Subject"] == f"Gwen, your opinion on {TITLE}"

    # 7. Three mail clients load the pixel, one of them follows the link too; a fourth ambassador answers the
    # survey from a phone. The links are those of the emails the SMTP server received.
    def pixel_and_link(email):
        html = invitations[email].get_body(("html",)).get_content()
        return (
            re.search(r'src="(http://[^"]+/t/o/[0-9a-f]{64}\.gif)"', html).group(1),
            re.search(r'href="(http://[^"]+/i/[0-9a-f]{64}/)"', html).group(1),
        )

    for email in ("breton00@exemple.fr", "breton01@exemple.fr", "breton02@exemple.fr"):
        assert fetch(pixel_and_link(email)[0]) == 200
    assert fetch(pixel_and_link("breton02@exemple.fr")[1]) == 200
    answering = chromium.new_context(base_url=live_server.url, locale="fr-FR", viewport=PHONE)
    ambassador = answering.new_page()
    ambassador.goto(pixel_and_link("breton03@exemple.fr")[1])  # a survey-only campaign: straight to the survey
    ambassador.get_by_label("Oui").check()
    ambassador.get_by_role("button", name="Envoyer mes réponses").click()
    ambassador.wait_for_url("**/merci/")
    answering.close()
    answer = Answer.objects.select_related("response__invitation__ambassador").get(question=question)
    assert (answer.number, answer.response.invitation.ambassador.email) == (1, "breton03@exemple.fr")  # 1: yes

    page.reload()
    assert figures(page) == {"invited": 12, "waiting": 0, "sent": 12, "opened": 4, "clicked": 2, "responded": 1}
    # pixels loaded within seconds of sending look like privacy prefetches, and clicks within SCANNER_CLICK_SECONDS
    # of it like security scanners': none is taken for a person's yet (README, How opens and clicks are classified)
    assert page.locator("[data-figure=opened]").inner_text() == "4 (ouvertures humaines estimées : 0)"
    assert page.locator("[data-figure=clicked]").inner_text() == "2 (clics humains estimés : 0)"
    shoot(page, "overview-after")
    phone.goto(page.url)
    assert figures(phone)["responded"] == 1
    shoot(phone, "overview-after", "phone")
    phone.context.close()
