"""The audience part of the Wagtail admin: each role reaches what it needs and nothing else."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from campaigns.models import Ambassador, AmbassadorImport, Segment, SegmentMember, SegmentRule
from tests.admin_pages import refused

pytestmark = pytest.mark.django_db

AMBASSADORS = "wagtailsnippets_campaigns_ambassador:list"
SEGMENTS = "wagtailsnippets_campaigns_segment:list"
SEGMENT_SIZE = "wagtailsnippets_campaigns_segment:size"
IMPORT = "ambassador_import:index"


@pytest.fixture
def ambassadors():
    now = timezone.now()
    return [
        Ambassador.objects.create(
            email="lea@exemple.fr", first_name="Léa", last_name="Martin", region="idf", consent_at=now
        ),
        Ambassador.objects.create(
            email="hugo@exemple.fr", first_name="Hugo", last_name="Durand", region="bre", consent_at=now
        ),
        Ambassador.objects.create(email="evil@exemple.fr", first_name="<script>alert(1)</script>", consent_at=now),
    ]


def test_product_team_lists_searches_and_filters_ambassadors(client_for, product_user, ambassadors):
    client = client_for(product_user)
    page = client.get(reverse(AMBASSADORS))
    assert page.status_code == 200
    assert b"lea@exemple.fr" in page.content and b"hugo@exemple.fr" in page.content
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content
    found = client.get(reverse(AMBASSADORS), {"q": "durand"})
    assert b"hugo@exemple.fr" in found.content and b"lea@exemple.fr" not in found.content
    filtered = client.get(reverse(AMBASSADORS), {"region": "idf"})
    assert b"lea@exemple.fr" in filtered.content and b"hugo@exemple.fr" not in filtered.content


@pytest.mark.parametrize("role", ["editor_user", "moderator_user", "analyst_user", "outsider_user"])
def test_other_roles_cannot_see_ambassadors_or_import(request, client_for, role, ambassadors):
    client = client_for(request.getfixturevalue(role))
    listing = client.get(reverse(AMBASSADORS))
    assert refused(listing)
    assert b"lea@exemple.fr" not in listing.content
    assert refused(client.get(reverse(IMPORT)))
    assert refused(client.get(reverse("wagtailsnippets_campaigns_ambassador:edit", args=[ambassadors[0].pk])))


def test_analyst_sees_segments_but_cannot_change_them(client_for, analyst_user):
    segment = Segment.objects.create(name="Jeunes")
    client = client_for(analyst_user)
    assert client.get(reverse(SEGMENTS)).status_code == 200
    assert refused(client.get(reverse("wagtailsnippets_campaigns_segment:edit", args=[segment.pk])))
    assert refused(client.post(reverse("wagtailsnippets_campaigns_segment:add"), {"name": "Hack"}))
    assert not Segment.objects.filter(name="Hack").exists()


@pytest.mark.parametrize("role", ["editor_user", "moderator_user", "outsider_user"])
def test_roles_without_segment_rights_are_refused_segments_and_their_size(request, client_for, role):
    client = client_for(request.getfixturevalue(role))
    assert refused(client.get(reverse(SEGMENTS)))
    assert refused(client.post(reverse(SEGMENT_SIZE), {"kind": "rules", "match": "all"}))


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse(AMBASSADORS))
    assert response.status_code == 302 and "/admin/login/" in response.url


def size(client, **data):
    return client.post(reverse(SEGMENT_SIZE), data).json()


def test_segment_size_counts_the_rules_being_edited(client_for, product_user, ambassadors):
    client = client_for(product_user)
    form = {
        "kind": "rules",
        "match": "any",
        "rules-TOTAL_FORMS": "3",
        "rules-0-attribute": "region_in",
        "rules-0-value": "idf",
        "rules-1-attribute": "region_in",
        "rules-1-value": "bre",
        "rules-2-attribute": "region_in",
        "rules-2-value": "cor",
        "rules-2-DELETE": "1",
    }
    assert size(client, **form)["count"] == 2
    assert size(client, **{**form, "match": "all"})["count"] == 0
    answer = size(client, **{**form, "rules-0-value": "atlantide"})
    assert answer["count"] is None and "atlantide" in answer["error"]


def test_segment_size_of_a_static_list_counts_its_contactable_members(client_for, product_user, ambassadors):
    segment = Segment.objects.create(name="Panel", kind=Segment.Kind.STATIC)
    SegmentMember.objects.bulk_create([SegmentMember(segment=segment, ambassador=a) for a in ambassadors[:2]])
    ambassadors[1].opted_out_at = timezone.now()
    ambassadors[1].save()
    assert size(client_for(product_user), kind="static", match="all", segment_id=str(segment.pk))["count"] == 1


def test_segment_edit_page_shows_the_live_size_panel(client_for, product_user):
    segment = Segment.objects.create(name="Jeunes")
    page = client_for(product_user).get(reverse("wagtailsnippets_campaigns_segment:edit", args=[segment.pk]))
    assert page.status_code == 200
    assert b"data-segment-size" in page.content and b"campaigns/segment_size" in page.content


def test_product_team_creates_a_segment_with_rules(client_for, product_user):
    response = client_for(product_user).post(
        reverse("wagtailsnippets_campaigns_segment:add"),
        {
            "name": "Bretons",
            "description": "",
            "kind": "rules",
            "match": "all",
            "rules-TOTAL_FORMS": "1",
            "rules-INITIAL_FORMS": "0",
            "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "1000",
            "rules-0-attribute": "region_in",
            "rules-0-value": "bre",
            "rules-0-ORDER": "1",
            "rules-0-id": "",
        },
    )
    assert response.status_code == 302
    assert list(Segment.objects.get(name="Bretons").rules.values_list("attribute", "value")) == [("region_in", "bre")]


def _segment_post(client, **rules):
    data = {
        "name": "Bretons",
        "description": "",
        "kind": "rules",
        "match": "all",
        "rules-TOTAL_FORMS": str(len(rules)),
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    for index, (attribute, value) in enumerate(rules.items()):
        data |= {
            f"rules-{index}-attribute": attribute,
            f"rules-{index}-value": value,
            f"rules-{index}-ORDER": str(index + 1),
            f"rules-{index}-id": "",
        }
    return client.post(reverse("wagtailsnippets_campaigns_segment:add"), data)


def test_segment_rule_takes_names_as_shown_and_stores_codes(client_for, product_user):
    response = _segment_post(client_for(product_user), region_in="Bretagne, île-de-france", age_band_in="35 à 44 ans")
    assert response.status_code == 302
    rules = dict(Segment.objects.get(name="Bretons").rules.values_list("attribute", "value"))
    assert rules == {"region_in": "bre,idf", "age_band_in": "35-44"}


def test_segment_rule_with_an_unknown_value_is_refused_at_its_field(client_for, product_user):
    response = _segment_post(client_for(product_user), region_in="Bretagne, Atlantide")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Valeur inconnue : Atlantide" in page and "Bretagne" in page
    assert not Segment.objects.exists()


def test_segment_rule_offers_each_list_by_its_names(client_for, product_user):
    segment = Segment.objects.create(name="Jeunes")
    SegmentRule.objects.create(segment=segment, attribute="region_in", value="bre")
    page = client_for(product_user).get(reverse("wagtailsnippets_campaigns_segment:edit", args=[segment.pk]))
    html = page.content.decode()
    assert 'data-rule-values-list="region_in"' in html and "Provence-Alpes-Côte d" in html
    assert 'value="bre" checked' in html and "campaigns/rule_values.js" in html


def test_bulk_opt_out_records_the_date_once(client_for, product_user, ambassadors):
    client = client_for(product_user)
    url = reverse("wagtail_bulk_action", args=["campaigns", "ambassador", "opt_out"])
    query = f"?id={ambassadors[0].pk}&id={ambassadors[1].pk}"
    confirm = client.get(url + query)
    assert confirm.status_code == 200 and b"lea@exemple.fr" in confirm.content
    assert client.post(url + query).status_code == 302
    assert Ambassador.objects.filter(opted_out_at__isnull=False).count() == 2


def test_bulk_add_to_static_list(client_for, product_user, ambassadors):
    segment = Segment.objects.create(name="Panel", kind=Segment.Kind.STATIC)
    url = reverse("wagtail_bulk_action", args=["campaigns", "ambassador", "add_to_segment"])
    response = client_for(product_user).post(url + f"?id={ambassadors[0].pk}", {"segment": segment.pk})
    assert response.status_code == 302
    assert list(segment.members.all()) == [ambassadors[0]]


def test_import_from_the_admin_reports_progress_and_result(
    client_for, product_user, tmp_path, django_capture_on_commit_callbacks
):
    upload = tmp_path / "ambassadeurs.csv"
    upload.write_text("email;prenom;region\nzoe@exemple.fr;Zoé;idf\nbad;X;idf\n", encoding="utf-8")
    client = client_for(product_user)
    with upload.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(IMPORT), {"file": handle, "keep_valid": "on"})
    job = AmbassadorImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("ambassador_import:detail", args=[job.pk])
    assert (job.status, job.rows_total, job.created_count, job.rejected_count) == ("done", 2, 1, 1)
    assert job.errors == [
        {"row": 3, "column": "A « email »", "message": "« bad » n'est pas une adresse e-mail valide."}
    ]
    page = client.get(response.url)
    assert escape("« bad » n'est pas une adresse e-mail valide.") in page.content.decode()
    assert Ambassador.objects.get().email == "zoe@exemple.fr"


def test_import_of_an_unreadable_file_from_the_admin_says_why(
    client_for, product_user, tmp_path, django_capture_on_commit_callbacks
):
    upload = tmp_path / "photo.csv"
    upload.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with upload.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        client_for(product_user).post(reverse(IMPORT), {"file": handle})
    job = AmbassadorImport.objects.get()
    assert job.status == "failed" and "données binaires" in job.fatal_error
    assert Ambassador.objects.count() == 0


def test_import_form_refuses_other_file_types(client_for, product_user, tmp_path):
    upload = tmp_path / "liste.pdf"
    upload.write_bytes(b"%PDF-1.4")
    with upload.open("rb") as handle:
        page = client_for(product_user).post(reverse(IMPORT), {"file": handle})
    assert page.status_code == 200 and "Extension .pdf non prise en charge" in page.content.decode()
    assert not AmbassadorImport.objects.exists()


def test_admin_home_shows_the_live_campaigns_figures_to_the_product_team(client_for, product_user, editor_user):
    from campaigns.models import Campaign, Invitation
    from campaigns.sending.launch import campaign_launch
    from tests.campaigns.factories import ambassador, campaign, region_segment

    for number in range(3):
        ambassador(f"amb{number}@exemple.fr", region="bre")
    live = campaign(segments=[region_segment()], title="<b>Appli</b> de demain")
    campaign_launch(live)
    Invitation.objects.update(status=Invitation.Status.SENT, sent_at=timezone.now())
    Invitation.objects.filter(pk=Invitation.objects.first().pk).update(
        first_opened_at=timezone.now(), responded_at=timezone.now()
    )
    campaign(slug="brouillon", title="Brouillon", status=Campaign.Status.DRAFT)
    html = " ".join(client_for(product_user).get(reverse("wagtailadmin_home")).content.decode().split())
    assert "Campagnes en cours" in html and escape("<b>Appli</b> de demain") in html and "Brouillon" not in html
    assert "<td>3</td><td>3</td><td>1</td><td>1</td>" in html  # invited, sent, opened, answered
    assert "Campagnes en cours" not in client_for(editor_user).get(reverse("wagtailadmin_home")).content.decode()


def _edit_data(page):
    """The ambassador's edit form as the page fills it: every input and checked box, every select's chosen option."""
    soup = BeautifulSoup(page.content, "html.parser")
    form = next(form for form in soup.find_all("form") if form.find(attrs={"name": "email"}))
    data = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in {"submit", "button", "file"}:
            continue
        if field.name == "select":  # as a browser sends it: a single one's first option when none is chosen
            options = field.find_all("option", selected=True) or (
                [] if field.has_attr("multiple") else field("option")[:1]
            )
            if options:
                data[name] = [option.get("value", "") for option in options]
        elif field.get("type") in {"checkbox", "radio"}:
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        else:
            data[name] = field.text if field.name == "textarea" else field.get("value", "")
    return data


def test_product_team_lifts_an_address_pause_and_it_is_contactable_again(client_for, product_user, ambassadors):
    """A mailbox full several sends in a row paused the address (out of every audience); once it is open again, staff
    clear the pause on the ambassador's page: the address is contactable again, its refusals in a row back to zero."""
    from campaigns.audience.segments import contactable_ambassadors

    paused = ambassadors[0]
    Ambassador.objects.filter(pk=paused.pk).update(email_paused_at=timezone.now(), soft_bounce_count=5)
    assert not contactable_ambassadors().filter(pk=paused.pk).exists()
    client = client_for(product_user)
    url = reverse("wagtailsnippets_campaigns_ambassador:edit", args=[paused.pk])
    page = client.get(url)
    assert "Délivrabilité" in page.content.decode() and 'name="email_paused_at"' in page.content.decode()
    data = _edit_data(page)
    assert data["email_paused_at"]
    data["email_paused_at"] = ""
    answer = client.post(url, data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    paused.refresh_from_db()
    assert (paused.email_paused_at, paused.soft_bounce_count) == (None, 0)
    assert contactable_ambassadors().filter(pk=paused.pk).exists()


def test_an_edit_that_keeps_the_pause_keeps_the_refusals_count(client_for, product_user, ambassadors):
    paused = ambassadors[1]
    Ambassador.objects.filter(pk=paused.pk).update(email_paused_at=timezone.now(), soft_bounce_count=5)
    client = client_for(product_user)
    url = reverse("wagtailsnippets_campaigns_ambassador:edit", args=[paused.pk])
    data = _edit_data(client.get(url))
    data["first_name"] = "Hugues"
    assert client.post(url, data).status_code == 302
    paused.refresh_from_db()
    assert (paused.first_name, paused.soft_bounce_count) == ("Hugues", 5)
    assert paused.email_paused_at is not None


@pytest.mark.parametrize("role", ["editor_user", "moderator_user", "analyst_user"])
def test_other_roles_cannot_lift_a_pause(request, client_for, role, ambassadors):
    paused = ambassadors[0]
    Ambassador.objects.filter(pk=paused.pk).update(email_paused_at=timezone.now(), soft_bounce_count=5)
    client = client_for(request.getfixturevalue(role))
    url = reverse("wagtailsnippets_campaigns_ambassador:edit", args=[paused.pk])
    assert refused(client.post(url, {"email": paused.email, "email_paused_at": ""}))
    paused.refresh_from_db()
    assert paused.email_paused_at is not None and paused.soft_bounce_count == 5
