"""The editorial workflow, with Wagtail's own features: an editor drafts and submits, a product team member
approves (which publishes); scheduled publishing through the django-q2 task; revisions and rollback."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import CampaignIndexPage, CampaignPage
from cms.tasks import publish_scheduled
from tests.cms.factories import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home):
    return publish(home.add_child(instance=CampaignIndexPage(title="Campagnes", slug="campagnes")))


def page_data(campaign, title="La banque mobile", **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": "banque-mobile",
            "campaign": campaign.pk,
            "intro": "Votre avis compte.",
            "hero_alt": "",
            "body": streamfield([("paragraph", rich_text("<p>Le concept « Mon mois ».</p>"))]),
            **extra,
        }
    )


def test_editor_submits_and_the_product_team_approves_and_publishes(
    client_for, editor_user, product_user, index, live_campaign
):
    editor = client_for(editor_user)
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "campaignpage", index.pk])
    response = editor.post(add_url, {**page_data(live_campaign), "action-publish": "publish"})
    page = CampaignPage.objects.get()
    assert response.status_code == 302 and not page.live  # an editor cannot publish: a draft is saved
    editor.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), {**page_data(live_campaign), "action-submit": "1"})
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.requested_by == editor_user
    assert not CampaignPage.objects.get().live

    task_state = state.current_task_state
    refused = editor.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]), {"comment": ""}
    )
    assert refused.status_code in (302, 403) and not CampaignPage.objects.get().live  # editors do not approve
    approved = client_for(product_user).post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]), {"comment": "Parfait"}
    )
    assert approved.status_code == 302
    page.refresh_from_db()
    state.refresh_from_db()
    assert page.live and state.status == WorkflowState.STATUS_APPROVED
    assert page.latest_revision.user == editor_user


def test_scheduled_page_goes_live_when_the_task_runs(client, client_for, product_user, index, live_campaign):
    go_live = timezone.now() + timedelta(hours=2)
    client_for(product_user).post(
        reverse("wagtailadmin_pages:add", args=["cms", "campaignpage", index.pk]),
        {**page_data(live_campaign, go_live_at=go_live.strftime("%Y-%m-%d %H:%M")), "action-publish": "publish"},
    )
    page = CampaignPage.objects.get()
    assert not page.live and Revision.objects.filter(object_id=str(page.pk), approved_go_live_at__isnull=False).exists()
    publish_scheduled()
    assert not CampaignPage.objects.get().live  # not yet
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(hours=3)):
        publish_scheduled()
    page.refresh_from_db()
    assert page.live and client.get(page.url).status_code == 200


def test_a_previous_revision_is_restored(client, client_for, product_user, index, live_campaign):
    staff = client_for(product_user)
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "campaignpage", index.pk])
    staff.post(add_url, {**page_data(live_campaign, title="Première version"), "action-publish": "publish"})
    page = CampaignPage.objects.get()
    first = page.latest_revision
    staff.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {**page_data(live_campaign, title="Version ratée"), "action-publish": "publish"},
    )
    assert "Version ratée" in client.get(page.url).content.decode()
    revert_url = reverse("wagtailadmin_pages:revisions_revert", args=[page.pk, first.pk])
    assert "Première version" in staff.get(revert_url).content.decode()
    staff.post(revert_url, {**page_data(live_campaign, title="Première version"), "action-publish": "publish"})
    assert "Première version" in client.get(page.url).content.decode()
    assert page.revisions.count() == 3


def test_roles_are_the_only_groups_and_wagtails_defaults_are_gone():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) == {"Product team", "Editor", "Moderator", "Analyst"}
