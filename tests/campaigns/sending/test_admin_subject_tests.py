"""The subject test in the campaign's admin form: two to four subjects, its settings, and nothing of it changes
once the campaign is launched, whatever a form posts."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from campaigns.models import Campaign, SubjectVariant
from campaigns.sending.launch import campaign_launch
from tests.admin_pages import refused
from tests.campaigns.factories import ambassador, campaign, region_segment, subject_variants

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    return campaign(segments=[region_segment()])


def form_data(target, subjects, *, initial=0, **fields):
    data = {
        "title": target.title,
        "slug": target.slug,
        "kind": target.kind,
        "closes_at": target.closes_at.strftime("%Y-%m-%d %H:%M"),
        "segments": [segment.pk for segment in target.segments.all()],
        "subject_fr": target.subject_fr,
        "body_fr": target.body_fr,
        "reminders": inline_formset([]),
        "subject_variants": inline_formset(subjects, initial=initial),
        "ab_metric": "clicks",
        "ab_sample_percent": "30",
        "ab_decide_after": "6",
        **fields,
    }
    return nested_form_data(data)


def edit(client, target, data):
    return client.post(reverse("wagtailsnippets_campaigns_campaign:edit", args=[target.pk]), data)


def test_product_team_sets_up_a_subject_test(client_for, product_user, draft):
    page = client_for(product_user).get(reverse("wagtailsnippets_campaigns_campaign:edit", args=[draft.pk]))
    assert "Test d&#x27;objets" in page.content.decode() or "Test d'objets" in page.content.decode()
    response = edit(
        client_for(product_user),
        draft,
        form_data(draft, [{"subject_fr": "Votre avis, {prenom} ?"}, {"subject_fr": "Trois minutes pour nous"}]),
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    draft.refresh_from_db()
    assert [v.subject_fr for v in draft.subject_variants.order_by("sort_order")] == [
        "Votre avis, {prenom} ?",
        "Trois minutes pour nous",
    ]
    assert (draft.ab_metric, draft.ab_sample_percent, draft.ab_decide_after) == ("clicks", 30, 6)


def test_one_subject_alone_or_an_unknown_placeholder_is_refused(client_for, product_user, draft):
    response = edit(client_for(product_user), draft, form_data(draft, [{"subject_fr": "Seul"}]))
    assert response.status_code == 200 and "au moins deux objets" in response.content.decode()
    response = edit(
        client_for(product_user), draft, form_data(draft, [{"subject_fr": "Bonjour {prenon}"}, {"subject_fr": "B"}])
    )
    assert response.status_code == 200 and "{prenon}" in response.content.decode()
    response = edit(client_for(product_user), draft, form_data(draft, [], ab_sample_percent="0"))
    assert response.status_code == 200
    assert not SubjectVariant.objects.exists() and Campaign.objects.get().ab_sample_percent == 20


def test_the_subject_test_of_a_launched_campaign_cannot_change(client_for, product_user, draft):
    first, second = subject_variants(draft, "Objet un", "Objet deux")
    campaign_launch(draft)
    client = client_for(product_user)
    page = client.get(reverse("wagtailsnippets_campaigns_campaign:edit", args=[draft.pk]))
    assert page.context["form"].fields["ab_sample_percent"].disabled
    changed = form_data(
        draft,
        [{"id": first.pk, "subject_fr": "Objet un"}, {"id": second.pk, "subject_fr": "Objet changé"}],
        initial=2,
        ab_sample_percent="90",
    )
    response = edit(client, draft, changed)
    assert response.status_code == 200 and "ne changent plus" in response.content.decode()
    assert SubjectVariant.objects.get(pk=second.pk).subject_fr == "Objet deux"
    assert Campaign.objects.get().ab_sample_percent == 20


@pytest.mark.parametrize("role", ["analyst_user", "editor_user", "moderator_user", "outsider_user"])
def test_other_roles_cannot_edit_the_subjects(request, client_for, role, draft):
    client = client_for(request.getfixturevalue(role))
    data = form_data(draft, [{"subject_fr": "Pirate"}, {"subject_fr": "Pirate 2"}])
    assert refused(edit(client, draft, data))
    assert not SubjectVariant.objects.exists()


def test_the_follow_up_page_tells_who_waits_for_the_decision_and_the_winner(
    client_for, product_user, smtp_server, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from campaigns.models import Ambassador, Invitation
    from campaigns.sending import subject_tests

    Ambassador.objects.bulk_create(
        Ambassador(email=f"b{number}@exemple.fr", region="bre", consent_at=timezone.now()) for number in range(10)
    )
    target = campaign(segments=[region_segment()])
    _first, second = subject_variants(target, "Objet un", "Objet deux", ab_sample_percent=40)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(target)
    client = client_for(product_user)
    page = client.get(reverse("campaign_actions:overview", args=[target.pk])).content.decode()
    assert "6 attendent la décision du test d&#x27;objets" in page or "6 attendent la décision du test d'objets" in page
    assert 'http-equiv="refresh"' not in page  # the sample is sent: nothing to watch for hours
    Invitation.objects.filter(subject_variant=second).update(first_human_open_at=timezone.now())
    target.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        subject_tests.subject_test_decide(target, now=target.ab_decide_at)
    page = client.get(reverse("campaign_actions:overview", args=[target.pk])).content.decode()
    assert 'data-figure="subject_test">' in page and len(smtp_server.messages) == 10


def test_preview_lists_the_subjects_and_the_test_send_sends_each(client_for, product_user, draft, smtp_server):
    subject_variants(draft, "Votre avis, {prenom} ?", "<b>Trois</b> minutes")
    client = client_for(product_user)
    page = client.get(reverse("campaign_actions:preview", args=[draft.pk, "en"])).content.decode()
    assert "data-tested-subjects" in page and "Objet A" in page and "Votre avis, Produit ? (EN)" in page
    assert "&lt;b&gt;Trois&lt;/b&gt; minutes (EN)" in page and "<b>Trois" not in page
    client.post(reverse("campaign_actions:test", args=[draft.pk]), {"locale": "fr"})
    assert sorted(str(message["Subject"]) for _rcpt, message in smtp_server.messages) == [
        "[TEST] <b>Trois</b> minutes",
        "[TEST] Votre avis, Produit ?",
    ]
