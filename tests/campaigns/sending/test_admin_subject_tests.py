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
