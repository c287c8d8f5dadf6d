"""The editor's journey, end to end in a real Chromium against a live server, a real django-q2 cluster (on Redis)
and a real SMTP server: an editor drafts a campaign page, comes back to it, submits it to the product team's
workflow (and cannot publish it themself); a product team member approves and publishes it; an anonymous
visitor reads it at its public address. Photographed for docs/screenshots/journey-editor-*.png."""

import re

import pytest
from wagtail.models import PageLogEntry, Site

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from cms.models import CampaignIndexPage, CampaignPage
from tests.browser.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.cluster import wait_for
from tests.surveys.factories import budget_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORKFLOW = "Validation par l'équipe produit"
HEADING = "Trois écrans pour piloter votre budget"
PARAGRAPH = "Chaque mois, l'application classe vos dépenses et vous alerte avant le dépassement."


def shoot(page, name):
    screenshot(page, f"journey-editor-{name}")


def test_editor_drafts_submits_product_team_publishes_and_a_visitor_reads_the_page(
    browser, live_server, cluster, smtp_server, settings, editor_user, product_user
):
    settings.SITE_URL = live_server.url
    cluster.env["SITE_URL"] = live_server.url
    cluster.start()
    # A launched campaign: its page shows to anyone once published; its invitation goes out through the cluster.
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.SURVEY, title="La banque mobile de demain")
    budget_survey(target)
    assert campaign_launch(target) == 1
    home = Site.objects.get(is_default_site=True).root_page
    index = home.add_child(instance=CampaignIndexPage(title="Campagnes", slug="campagnes"))
    index.save_revision().publish()

    # --- the editor drafts the page, from the page explorer --------------------------------------------------
    editor = browser()
    log_in(editor, editor_user)
    editor.goto(f"/admin/pages/{index.pk}/")
    editor.get_by_role("link", name="Ajouter une sous-page").first.click()  # one page type allowed: its form
    editor.wait_for_url(f"**/admin/pages/add/cms/campaignpage/{index.pk}/")
    editor.fill("#id_title", "Votre banque mobile de demain")
    editor.locator("#id_campaign").locator("xpath=..").get_by_role("button").first.click()  # the snippet chooser
    editor.get_by_role("link", name="La banque mobile de demain").click()
    editor.wait_for_function(f"document.getElementById('id_campaign').value === '{target.pk}'")
    editor.fill("#id_intro", "Découvrez le concept de budget automatique et donnez votre avis.")
    editor.get_by_role("button", name="Insérer un bloc").first.click()
    editor.get_by_role("option", name="Titre").click()
    editor.locator("input[name='body-0-value-text']").fill(HEADING)
    with editor.expect_navigation():
        editor.get_by_role("button", name="Enregistrer le brouillon").click()
    assert re.search(r"/admin/pages/\d+/edit/$", editor.url)
    draft = CampaignPage.objects.get()
    assert not draft.live and draft.has_unpublished_changes and draft.current_workflow_state is None
    assert draft.get_latest_revision_as_object().body[0].value["text"] == HEADING
    editor.locator("input[name='body-0-value-text']").scroll_into_view_if_needed()
    shoot(editor, "draft")

    # A forged "publish" from the editor's form is only saved as a draft (one more revision): editors may not publish.
    revisions = draft.revisions.count()
    editor.locator("form[data-edit-form]").evaluate(
        "form => form.insertAdjacentHTML('beforeend', '<input type=hidden name=action-publish value=1>')"
    )
    with editor.expect_navigation():
        editor.get_by_role("button", name="Enregistrer le brouillon").click()
    draft.refresh_from_db()
    assert draft.revisions.count() == revisions + 1
    assert not draft.live and draft.live_revision is None and draft.first_published_at is None

    # --- later, the editor comes back from the dashboard, adds a paragraph, submits the page to the workflow --
    editor.goto("/admin/")
    recent = editor.locator("section", has_text="Vos modifications les plus récentes")
    recent.get_by_role("link", name="Votre banque mobile de demain").first.click()
    editor.wait_for_url(f"**/admin/pages/{draft.pk}/edit/")
    assert editor.locator("input[name='body-0-value-text']").input_value() == HEADING
    editor.get_by_role("button", name="Insérer un bloc").last.click()
    editor.get_by_role("option", name="Texte").click()
    editor.locator(".Draftail-Editor [contenteditable=true]").last.click()
    editor.keyboard.type(PARAGRAPH)
    # Draftail writes its hidden input a moment after the typing: submit only once it holds the text.
    editor.wait_for_function("document.getElementById('body-1-value').value.includes('alerte avant')")
    editor.get_by_role("button", name="Plus d'actions").click()
    assert editor.get_by_role("button", name="Publier", exact=True).count() == 0  # nothing to publish with
    editor.get_by_role("button", name=f"Soumettre à {WORKFLOW}").click()
    editor.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$|/admin/pages/\d+/$"))
    draft.refresh_from_db()
    assert not draft.live and draft.current_workflow_state is not None
    assert draft.current_workflow_task.name == WORKFLOW

    # --- the product team member finds it awaiting their review, then approves and publishes it --------------
    reviewer = browser()
    log_in(reviewer, product_user)
    awaiting = reviewer.locator("section", has_text="En attente de votre vérification")
    assert awaiting.get_by_role("link", name="Votre banque mobile de demain").first.is_visible()
    shoot(reviewer, "review-dashboard")
    awaiting.get_by_role("link", name="Votre banque mobile de demain").first.click()
    reviewer.wait_for_url(f"**/admin/pages/{draft.pk}/edit/")
    reviewer.get_by_role("button", name="Plus d'actions").click()
    reviewer.get_by_role("button", name="Approuver et Publier", exact=True).wait_for()
    assert reviewer.get_by_role("button", name="Publier", exact=True).count() == 1  # what the editor lacked
    shoot(reviewer, "review-actions")
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Approuver et Publier", exact=True).click()
    draft.refresh_from_db()
    assert draft.live and not draft.has_unpublished_changes
    assert draft.current_workflow_state is None
    # The editor wrote the published revision; the reviewer approved and published it.
    assert draft.live_revision.user == editor_user
    assert set(
        PageLogEntry.objects.filter(page=draft, action__in=["wagtail.publish", "wagtail.workflow.approve"]).values_list(
            "action", "user"
        )
    ) == {("wagtail.publish", product_user.pk), ("wagtail.workflow.approve", product_user.pk)}

    # --- an anonymous visitor reads it at its public address ---------------------------------------------------
    assert draft.url == "/fr/campagnes/votre-banque-mobile-de-demain/"
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        visitor = browser(viewport)
        response = visitor.goto(draft.url)
        assert response.status == 200
        assert visitor.get_by_role("heading", level=1, name="Votre banque mobile de demain").is_visible()
        assert visitor.get_by_role("heading", level=2, name=HEADING).is_visible()
        assert visitor.get_by_text(PARAGRAPH).is_visible()
        assert visitor.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        shoot(visitor, f"published-{name}")

    # Meanwhile the cluster sent the campaign's invitation, and Wagtail told the reviewer of the submission and
    # the editor of the approval, all over SMTP.
    wait_for(
        lambda: smtp_server.to("lea@exemple.fr"),
        timeout=30,
        what="the invitation sent by the cluster",
        explain=cluster.log_tail,
    )
    assert Invitation.objects.get(campaign=target).status == Invitation.Status.SENT
    [submitted] = smtp_server.to(product_user.email)
    assert "Votre banque mobile de demain" in submitted["Subject"]
    assert "a été soumise pour validation" in submitted["Subject"]
    [approved] = smtp_server.to(editor_user.email)
    assert "Votre banque mobile de demain" in approved["Subject"] and "a été approuvée" in approved["Subject"]
