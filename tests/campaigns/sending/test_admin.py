"""Campaigns in the Wagtail admin: follow-up page, preview, test send, launch, outbox; each role's reach."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from campaigns.models import Campaign, Invitation, OutboxMessage
from campaigns.sending.launch import campaign_launch
from campaigns.sending.outbox import OutboxEmailBackend
from tests.admin_pages import refused
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    ambassador("hugo@exemple.fr", region="bre")
    return campaign(segments=[region_segment()])


def overview(client, target):
    return client.get(reverse("campaign_actions:overview", args=[target.pk]))


def test_overview_of_a_draft_shows_the_audience_and_actions(client_for, product_user, draft):
    page = overview(client_for(product_user), draft)
    assert page.status_code == 200
    content = page.content.decode()
    assert "2 ambassadeurs contactables" in content and "Lancer maintenant" in content


def test_preview_shows_the_email_in_each_language(client_for, product_user, draft):
    client = client_for(product_user)
    french = client.get(reverse("campaign_actions:preview", args=[draft.pk, "fr"])).content.decode()
    english = client.get(reverse("campaign_actions:preview", args=[draft.pk, "en"])).content.decode()
    assert "[TEST] Produit, votre avis sur La banque mobile de demain" in french
    assert "[TEST] Produit, your opinion on La banque mobile de demain" in english
    assert 'sandbox=""' in french and "data-neutralised" in french


def test_test_send_goes_to_the_current_user_through_smtp(client_for, product_user, draft, smtp_server):
    response = client_for(product_user).post(reverse("campaign_actions:test", args=[draft.pk]), {"locale": "fr"})
    assert response.status_code == 302
    [message] = smtp_server.to("produit@banque.example")
    assert message["Subject"].startswith("[TEST] Produit, votre avis")
    assert not Invitation.objects.exists()


def test_launch_from_the_admin_then_watch_the_figures(
    client_for, product_user, draft, smtp_server, django_capture_on_commit_callbacks
):
    client = client_for(product_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("campaign_actions:action", args=[draft.pk, "launch"]), {"people": "2"})
    assert Campaign.objects.get().status == Campaign.Status.LIVE
    page = overview(client, draft)
    assert b'data-figure="sent">2<' in page.content and b'data-figure="invited">2<' in page.content
    assert len(smtp_server.messages) == 2


def test_launch_refusal_is_explained(client_for, product_user, draft):
    Campaign.objects.update(subject_fr="")
    client = client_for(product_user)
    response = client.post(reverse("campaign_actions:action", args=[draft.pk, "launch"]), {"people": "2"})
    assert escape("L'e-mail d'invitation en français (objet et message) est obligatoire.") in response.content.decode()
    assert Campaign.objects.get().status == Campaign.Status.DRAFT


def test_schedule_needs_a_future_opening_date(client_for, product_user, draft):
    client = client_for(product_user)
    client.post(reverse("campaign_actions:action", args=[draft.pk, "schedule"]))
    assert Campaign.objects.get().status == Campaign.Status.DRAFT
    Campaign.objects.update(opens_at=timezone.now() + timezone.timedelta(days=1))
    client.post(reverse("campaign_actions:action", args=[draft.pk, "schedule"]))
    assert Campaign.objects.get().status == Campaign.Status.SCHEDULED


def test_close_then_archive(client_for, product_user, draft):
    campaign_launch(draft)
    client = client_for(product_user)
    client.post(reverse("campaign_actions:action", args=[draft.pk, "archive"]))
    assert Campaign.objects.get().status == Campaign.Status.LIVE  # only a closed campaign is archived
    client.post(reverse("campaign_actions:action", args=[draft.pk, "close"]))
    client.post(reverse("campaign_actions:action", args=[draft.pk, "archive"]))
    assert Campaign.objects.get().status == Campaign.Status.ARCHIVED


def test_audience_of_a_live_campaign_cannot_be_edited(client_for, product_user, draft):
    campaign_launch(draft)
    page = client_for(product_user).get(reverse("wagtailsnippets_campaigns_campaign:edit", args=[draft.pk]))
    assert page.status_code == 200
    assert "son public ne change plus" in page.content.decode()
    assert page.context["form"].fields["segments"].disabled


def test_unknown_placeholder_is_named(draft):
    draft.body_fr = "Bonjour {prenon} {lien}"
    with pytest.raises(ValidationError) as info:
        draft.full_clean()
    assert "{prenon}" in info.value.message_dict["body_fr"][0]


def test_analyst_follows_but_cannot_act(client_for, analyst_user, draft):
    client = client_for(analyst_user)
    page = overview(client, draft)
    assert page.status_code == 200 and "Lancer maintenant" not in page.content.decode()
    assert refused(client.post(reverse("campaign_actions:action", args=[draft.pk, "launch"])))
    assert refused(client.post(reverse("campaign_actions:test", args=[draft.pk]), {"locale": "fr"}))
    assert Campaign.objects.get().status == Campaign.Status.DRAFT


@pytest.mark.parametrize("role", ["editor_user", "moderator_user", "outsider_user"])
def test_other_roles_are_refused_campaigns_and_outbox(request, client_for, role, draft):
    client = client_for(request.getfixturevalue(role))
    assert refused(overview(client, draft))
    assert refused(client.get(reverse("campaign_actions:preview", args=[draft.pk, "fr"])))
    assert refused(client.get(reverse("wagtailsnippets_campaigns_campaign:list")))
    assert refused(client.get(reverse("outbox:index")))


def test_outbox_keeps_emails_that_staff_can_open_and_follow(client_for, product_user, draft):
    from campaigns.sending.senders import claim_batch, send_batch

    campaign_launch(draft)
    claim, ids = claim_batch("invitations", draft.pk)
    send_batch("invitations", claim, ids, connection_factory=OutboxEmailBackend)
    assert OutboxMessage.objects.count() == 2
    client = client_for(product_user)
    listing = client.get(reverse("outbox:index")).content.decode()
    kept = OutboxMessage.objects.get(to="lea@exemple.fr")
    assert "Léa, votre avis sur La banque mobile de demain" in listing
    page = client.get(reverse("outbox:detail", args=[kept.pk])).content.decode()
    token = Invitation.objects.get(ambassador__email="lea@exemple.fr").token
    assert f'<a href="http://localhost:8000/i/{token}/"' in page  # the text part's link is clickable
    assert "List-Unsubscribe" in page
    # the HTML part's links are inert in its frame (a click there would blank it and count): listed apart
    frame = page.split('srcdoc="', 1)[1].split('"', 1)[0]
    assert "href=" not in frame and "data-neutralised" in frame
    assert f"<code>http://localhost:8000/i/{token}/</code>" in page


def test_links_neutralised_keep_their_text_and_say_where_they_lead():
    from campaigns.sending.emails import links_neutralised

    shown, links = links_neutralised(
        """<p><a href="https://x.example/i/abc/?a=1&amp;b=2" style="color:red">Donner mon avis</a> """
        """<A HREF='https://x.example/u/'>Se désinscrire</A></p>"""
    )
    assert "href" not in shown.lower() and "Donner mon avis" in shown and 'style="color:red"' in shown
    assert links == ["https://x.example/i/abc/?a=1&b=2", "https://x.example/u/"]


def test_withdrawn_invitation_is_not_sent_and_its_link_stops(client_for, product_user, draft):
    campaign_launch(draft)
    lea = Invitation.objects.get(ambassador__email="lea@exemple.fr")
    client = client_for(product_user)
    listing = client.get(reverse("wagtailsnippets_campaigns_invitation:list"), {"status": "queued"})
    assert listing.status_code == 200 and "lea@exemple.fr" in listing.content.decode()
    url = reverse("wagtail_bulk_action", args=["campaigns", "invitation", "withdraw"]) + f"?id={lea.pk}"
    assert client.post(url).status_code == 302
    lea.refresh_from_db()
    assert lea.withdrawn_at and lea.status == Invitation.Status.SKIPPED
    assert client.get(reverse("campaigns:personal_link", args=[lea.token])).status_code == 410


def test_analyst_cannot_see_who_was_invited(client_for, analyst_user, draft):
    assert refused(client_for(analyst_user).get(reverse("wagtailsnippets_campaigns_invitation:list")))


def checklist(client, target):
    return client.get(reverse("campaign_actions:checklist", args=[target.pk]))


def test_checklist_sums_up_the_launch_before_sending(client_for, product_user, draft, settings):
    settings.SEND_RATE_PER_SECOND = 1
    ambassador("parti@exemple.fr", region="bre", opted_out_at=timezone.now())
    ambassador("john@exemple.fr", region="bre", locale="en")
    Campaign.objects.update(subject_en="", body_en="")
    page = checklist(client_for(product_user), draft)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-figure="matched">4<' in content and 'data-figure="excluded">1<' in content
    assert 'data-figure="invited"><strong>3<' in content
    assert "1 ambassadeur lit l&#x27;anglais" in content and "e-mail d&#x27;invitation" in content
    assert "Envoyer à 3 personnes" in content and "Durée estimée : quelques secondes" in content
    assert "Lien personnel" in content and "Proposer et soutenir des idées" in content


def test_launch_needs_the_number_of_people_typed_back(
    client_for, product_user, draft, smtp_server, django_capture_on_commit_callbacks
):
    client = client_for(product_user)
    url = reverse("campaign_actions:checklist", args=[draft.pk])
    for wrong in ({}, {"people": "3"}, {"people": "tous"}):
        page = client.post(url, wrong)
        assert page.status_code == 200 and "data-launch-form" in page.content.decode()
    assert Campaign.objects.get().status == Campaign.Status.DRAFT
    assert "2 personnes recevront" in client.post(url, {"people": "3"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"people": "2"})
    assert response.status_code == 302 and Campaign.objects.get().status == Campaign.Status.LIVE


def test_test_send_also_goes_to_the_campaigns_test_list(client_for, product_user, draft, smtp_server):
    Campaign.objects.update(test_recipients="relecture@banque.example,\nDirection@Banque.example")
    client = client_for(product_user)
    client.post(reverse("campaign_actions:test", args=[draft.pk]), {"locale": "fr", "to_list": "on"})
    for address in ("produit@banque.example", "relecture@banque.example", "direction@banque.example"):
        [message] = smtp_server.to(address)
        assert message["Subject"].startswith("[TEST]")
    assert not Invitation.objects.exists()


def test_test_list_refuses_a_wrong_address(draft):
    draft.test_recipients = "relecture@banque.example, pas-une-adresse"
    with pytest.raises(ValidationError) as info:
        draft.full_clean()
    assert "pas-une-adresse" in info.value.message_dict["test_recipients"][0]


def test_duration_of_sending_is_said_in_hours_and_minutes():
    from campaigns.sending.checklist import duration_label

    assert duration_label(12_000) == "environ 3 heures 20 minutes d'envoi"
    assert duration_label(61) == "environ 2 minutes d'envoi"
    assert duration_label(None).startswith("aucune limite de débit")
