"""Opens, clicks and the decoy as the endpoints record them: each kept raw with its verdict, the invitation's raw
and estimated-human figures moved in the same write, clicks taken back when a burst or the decoy shows a
scanner, and staff never counted."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Invitation, TrackingEvent
from campaigns.sending.launch import campaign_launch
from tests.campaigns.factories import ambassador, campaign, region_segment
from tests.campaigns.tracking.test_classify import EDGE, GMAIL_PROXY, IPHONE_SAFARI, ORANGE_MOBILE

pytestmark = pytest.mark.django_db
Verdict = TrackingEvent.Verdict


@pytest.fixture
def invitation():
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    campaign_launch(campaign(segments=[region_segment()]))
    Invitation.objects.update(status=Invitation.Status.SENT, sent_at=timezone.now() - timedelta(hours=1))
    return Invitation.objects.get()


def sent_ago(invitation, seconds):
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - timedelta(seconds=seconds))


def pixel(client, invitation, agent=IPHONE_SAFARI, address=ORANGE_MOBILE):
    return client.get(
        reverse("campaigns:open_pixel", args=[invitation.token]), HTTP_USER_AGENT=agent, REMOTE_ADDR=address
    )


def click(client, invitation, agent=IPHONE_SAFARI, address=ORANGE_MOBILE, method="get", to=""):
    url = reverse("campaigns:personal_link", args=[invitation.token]) + (f"?to={to}" if to else "")
    return getattr(client, method)(url, HTTP_USER_AGENT=agent, REMOTE_ADDR=address)


def decoy(client, invitation, agent=EDGE, address="203.0.113.50"):
    return client.get(
        reverse("campaigns:decoy_link", args=[invitation.token]), HTTP_USER_AGENT=agent, REMOTE_ADDR=address
    )


def verdicts(invitation):
    return list(
        TrackingEvent.objects.filter(invitation=invitation).order_by("pk").values_list("kind", "verdict", "reason")
    )


def test_a_person_clicking_from_a_phone_is_kept_with_its_network_not_its_address(client, invitation):
    assert click(client, invitation).status_code == 302
    invitation.refresh_from_db()
    assert invitation.click_count == 1 and invitation.first_human_click_at and invitation.first_human_open_at
    event = TrackingEvent.objects.get()
    assert (event.kind, event.verdict, event.reason) == ("click", "person", "person")
    assert event.network == "90.84.12.0/24" and event.agent == IPHONE_SAFARI
    assert ORANGE_MOBILE not in str(TrackingEvent.objects.values())


def test_a_scanners_click_counts_raw_but_never_as_a_human_click_nor_a_human_open(client, invitation):
    assert click(client, invitation, agent=EDGE, address="40.107.22.91").status_code == 302
    assert click(client, invitation, agent="Microsoft Office Existence Discovery").status_code == 302
    invitation.refresh_from_db()
    assert invitation.click_count == 2 and invitation.first_clicked_at and invitation.first_opened_at
    assert invitation.first_human_click_at is None and invitation.first_human_open_at is None
    assert [verdict for _kind, verdict, _reason in verdicts(invitation)] == ["scanner", "scanner"]


def test_a_click_seconds_after_delivery_is_a_scanners(client, invitation):
    sent_ago(invitation, 4)
    click(client, invitation)
    invitation.refresh_from_db()
    assert invitation.click_count == 1 and invitation.first_human_click_at is None
    assert verdicts(invitation) == [("click", "scanner", "click-at-delivery")]


def test_a_head_request_is_answered_and_kept_as_a_scanners(client, invitation):
    assert click(client, invitation, method="head").status_code == 302
    assert pixel(client, invitation).status_code == 200
    assert client.head(reverse("campaigns:open_pixel", args=[invitation.token])).status_code == 200
    invitation.refresh_from_db()
    assert invitation.first_human_click_at is None
    assert verdicts(invitation) == [
        ("click", "scanner", "head"),
        ("open", "person", "person"),
        ("open", "scanner", "head"),
    ]


def test_every_link_of_a_message_within_seconds_is_a_burst_and_the_first_click_is_taken_back(client, invitation):
    click(client, invitation)
    click(client, invitation, to="survey")
    invitation.refresh_from_db()
    assert invitation.click_count == 2 and invitation.first_human_click_at is None
    assert invitation.first_human_open_at is None
    assert verdicts(invitation) == [("click", "scanner", "burst"), ("click", "scanner", "burst")]


def test_a_get_just_after_a_head_of_the_same_link_is_a_scanners(client, invitation):
    click(client, invitation, method="head")
    click(client, invitation)
    invitation.refresh_from_db()
    assert invitation.first_human_click_at is None
    assert verdicts(invitation) == [("click", "scanner", "head"), ("click", "scanner", "burst")]


def test_a_person_clicking_the_same_link_twice_is_no_burst(client, invitation):
    click(client, invitation)
    click(client, invitation)
    invitation.refresh_from_db()
    assert invitation.first_human_click_at and [v for _k, v, _r in verdicts(invitation)] == ["person", "person"]


def test_the_decoy_takes_back_the_clicks_around_it(client, invitation):
    pixel(client, invitation, agent=GMAIL_PROXY, address="66.249.84.193")
    click(client, invitation, agent=EDGE, address="203.0.113.50")
    assert decoy(client, invitation).status_code == 200
    click(client, invitation, agent=EDGE, address="203.0.113.50")
    invitation.refresh_from_db()
    assert invitation.click_count == 2 and invitation.first_human_click_at is None
    assert invitation.first_human_open_at == invitation.first_opened_at  # the Gmail open stays a real one
    assert verdicts(invitation) == [
        ("open", "proxy", "proxy:gmail"),
        ("click", "scanner", "decoy"),
        ("decoy", "scanner", "decoy"),
        ("click", "scanner", "burst"),
    ]


def test_the_decoy_answers_the_same_for_an_unknown_token_and_records_nothing(client, invitation):
    assert client.get(reverse("campaigns:decoy_link", args=["0" * 64])).status_code == 200
    assert TrackingEvent.objects.count() == 0


def test_an_image_proxy_open_is_counted_once_per_message(client, invitation):
    for _ in range(3):
        pixel(client, invitation, agent=GMAIL_PROXY, address="66.249.84.193")
    invitation.refresh_from_db()
    assert invitation.open_count == 3 and invitation.first_human_open_at
    assert Invitation.objects.filter(first_human_open_at__isnull=False).count() == 1


def test_an_apple_prefetch_at_delivery_is_no_human_open(client, invitation):
    sent_ago(invitation, 5)
    pixel(client, invitation, agent="Mozilla/5.0", address="17.58.101.9")
    pixel(client, invitation, agent="Mozilla/5.0", address="203.0.113.9")
    invitation.refresh_from_db()
    assert invitation.open_count == 2 and invitation.first_human_open_at is None
    assert verdicts(invitation) == [
        ("open", "prefetch", "apple-relay"),
        ("open", "prefetch", "generic-agent-at-delivery"),
    ]


def test_a_staff_member_viewing_or_following_a_message_is_never_counted(client_for, product_user, invitation):
    staff = client_for(product_user)
    assert pixel(staff, invitation).status_code == 200
    assert click(staff, invitation).status_code == 302
    assert decoy(staff, invitation).status_code == 200
    invitation.refresh_from_db()
    assert invitation.open_count == invitation.click_count == 0 and invitation.first_opened_at is None
    assert TrackingEvent.objects.count() == 0


def test_a_link_that_does_not_work_records_no_event(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(withdrawn_at=timezone.now())
    assert click(client, invitation).status_code == 410
    assert TrackingEvent.objects.count() == 0 and Invitation.objects.get().click_count == 0
