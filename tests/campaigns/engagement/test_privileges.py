from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaigns.engagement.emails import tier_emails_send
from campaigns.engagement.recompute import recompute
from campaigns.models import Campaign, EngagementScore, Invitation, Tier, TierEmail
from campaigns.sending.launch import campaign_launch
from ideas.models import Board
from tests.campaigns.engagement.builders import NOW, a_campaign, idea_adopted, idea_posted
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _weights(settings):
    settings.ENGAGEMENT_WEIGHTS = {
        "survey_answered": 5,
        "idea_posted": 4,
        "idea_adopted": 10,
        "vote": 1,
        "comment": 2,
        "campaign": 3,
        "recency": 10,
    }
    settings.ENGAGEMENT_HALF_LIFE_DAYS = 180
    settings.ENGAGEMENT_RECENCY_DAYS = 30
    settings.CONTACT_CAP_COUNT, settings.CONTACT_CAP_DAYS = 3, 30


def tier(code):
    return Tier.objects.get(code=code)


def scored(person, code, points):
    EngagementScore.objects.create(ambassador=person, score=points, tier=tier(code), computed_at=timezone.now())


def test_a_campaign_reserved_to_tiers_invites_only_their_ambassadors():
    pioneer, expert = ambassador("pionniere@exemple.fr", region="bre"), ambassador("expert@exemple.fr", region="bre")
    member = ambassador("membre@exemple.fr", region="bre")
    scored(pioneer, "pionnier", 200)
    scored(expert, "expert", 70)
    early = campaign(slug="avant-premiere", segments=[region_segment()])
    early.reserved_tiers.set([tier("pionnier"), tier("expert")])
    assert campaign_launch(early) == 2
    invited = set(Invitation.objects.filter(campaign=early).values_list("ambassador__email", flat=True))
    assert invited == {"pionniere@exemple.fr", "expert@exemple.fr"}
    assert member.pk not in Invitation.objects.values_list("ambassador", flat=True)


def test_a_campaign_reserved_to_the_lowest_tier_invites_those_who_never_took_part():
    newcomer, pioneer = ambassador("nouveau@exemple.fr", region="bre"), ambassador("p@exemple.fr", region="bre")
    scored(pioneer, "pionnier", 200)
    welcome = campaign(slug="bienvenue", segments=[region_segment()])
    welcome.reserved_tiers.set([tier("membre")])
    campaign_launch(welcome)
    assert list(Invitation.objects.values_list("ambassador", flat=True)) == [newcomer.pk]


def test_the_board_shows_the_visitors_tier_and_the_early_access(client):
    pioneer = ambassador("pionniere@exemple.fr", region="bre", first_name="Inès")
    scored(pioneer, "pionnier", 200)
    early = campaign(slug="avant-premiere", segments=[region_segment()], kind=Campaign.Kind.IDEATION)
    early.reserved_tiers.set([tier("pionnier")])
    campaign_launch(early)
    Board.objects.create(campaign=early)
    invitation = Invitation.objects.get(campaign=early)
    client.get(reverse("campaigns:personal_link", args=[invitation.token]))
    page = " ".join(client.get(reverse("ideas:board", args=[early.slug])).content.decode().split())
    assert "Votre palier : Pionnier" in page
    assert "Accès en avant-première : Pionnier" in page


def test_the_campaign_page_of_a_reserved_campaign_says_so_and_shows_the_visitors_tier(client):
    """Found by the programme's browser journey: the personal link lands on the campaign's page, which said nothing
    of the early access (only the board did)."""
    pioneer = ambassador("pionniere@exemple.fr", region="bre", first_name="Inès")
    scored(pioneer, "pionnier", 200)
    early = campaign(slug="avant-premiere", segments=[region_segment()], kind=Campaign.Kind.IDEATION)
    early.reserved_tiers.set([tier("pionnier"), tier("expert")])
    campaign_launch(early)
    landing = reverse("campaigns:landing", args=[early.slug])
    page = " ".join(client.get(landing).content.decode().split())
    assert "Accès en avant-première : Expert, Pionnier" in page and "Votre palier" not in page  # no visitor yet
    client.get(reverse("campaigns:personal_link", args=[Invitation.objects.get(campaign=early).token]))
    page = " ".join(client.get(landing).content.decode().split())
    assert "Accès en avant-première : Expert, Pionnier" in page and "Votre palier : Pionnier" in page
    open_to_all = campaign(slug="ouverte", segments=[region_segment(name="Tous")], kind=Campaign.Kind.IDEATION)
    campaign_launch(open_to_all)
    assert "avant-première" not in client.get(reverse("campaigns:landing", args=[open_to_all.slug])).content.decode()


def test_reaching_a_new_tier_emails_the_ambassador_once(django_capture_on_commit_callbacks):
    lea, now = ambassador("lea@exemple.fr", first_name="Léa"), timezone.now()
    target = a_campaign("epargne")
    Invitation.objects.create(
        campaign=target, ambassador=lea, token="a" * 64, status=Invitation.Status.SENT, sent_at=now
    )
    idea = idea_posted(lea, target)
    recompute(now=NOW)  # 17 points: Membre, no email
    assert not TierEmail.objects.exists()
    idea_adopted(idea)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        recompute(now=NOW + timedelta(seconds=1))  # 27 points: Contributeur, emailed (the task runs at once)
    assert [message.to for message in mail.outbox] == [["lea@exemple.fr"]]
    message = mail.outbox[0]
    assert str(make_header(decode_header(message.subject))) == "Vous êtes désormais Contributeur"
    assert "palier « Contributeur »" in message.body and "a" * 64 in message.body
    assert "List-Unsubscribe" in message.extra_headers
    # falling back to Membre and climbing again to Contributeur is not news
    idea.delete()
    recompute(now=NOW + timedelta(seconds=2))
    idea_adopted(idea_posted(lea, target))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        recompute(now=NOW + timedelta(seconds=3))
    assert mail.outbox == []
    assert TierEmail.objects.get().status == TierEmail.Status.SENT


def test_tier_emails_respect_opt_out_and_the_frequency_cap():
    now = timezone.now()
    quiet, busy, fine = (ambassador(f"{name}@exemple.fr") for name in ("quiet", "busy", "fine"))
    quiet.opted_out_at = now
    quiet.save()
    for number in range(3):
        sent_to = a_campaign(f"campagne-{number}")
        Invitation.objects.create(
            campaign=sent_to, ambassador=busy, token=f"{number}" * 64, status=Invitation.Status.SENT, sent_at=now
        )
    Invitation.objects.create(
        campaign=sent_to, ambassador=quiet, token="q" * 64, status=Invitation.Status.SENT, sent_at=now
    )
    Invitation.objects.create(
        campaign=sent_to, ambassador=fine, token="f" * 64, status=Invitation.Status.SENT, sent_at=now
    )
    for person in (quiet, busy, fine):
        TierEmail.objects.create(ambassador=person, tier=tier("expert"), created_at=now)
    assert tier_emails_send(now=now) == {"sent": 1, "failed": 0, "skipped": 2}
    assert [message.to for message in mail.outbox] == [["fine@exemple.fr"]]
    reasons = dict(TierEmail.objects.values_list("ambassador__email", "skip_reason"))
    assert reasons == {
        "quiet@exemple.fr": TierEmail.SkipReason.NOT_CONTACTABLE,
        "busy@exemple.fr": TierEmail.SkipReason.FREQUENCY_CAP,
        "fine@exemple.fr": "",
    }


def test_the_programme_is_in_the_personal_data_file_and_goes_with_the_erasure():
    from campaigns.audience.fatigue import contacts_log, idea_news_set
    from campaigns.audience.personal_data import ambassador_erase, ambassador_export
    from campaigns.models import ContactLog, ContactPreference, IdeaNews

    lea = ambassador("lea@exemple.fr")
    scored(lea, "expert", 70)
    idea_news_set(lea, IdeaNews.WEEKLY)
    contacts_log([lea.pk], ContactLog.Kind.TIER)
    document = ambassador_export(lea)
    assert document["programme"]["tier"] == "Expert" and document["programme"]["idea_news"] == "weekly"
    assert [row["kind"] for row in document["programme"]["emails_sent"]] == ["tier"]
    ambassador_erase(lea)
    assert not EngagementScore.objects.exists() and not ContactPreference.objects.exists()
    assert not ContactLog.objects.exists()
