from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.audience.fatigue import contact_history, contacts_log, idea_news_choice, idea_news_set
from campaigns.models import ContactLog, IdeaNews, Invitation
from campaigns.sending.launch import campaign_launch
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cap(settings):
    settings.CONTACT_CAP_COUNT, settings.CONTACT_CAP_DAYS = 3, 30


def invited(person, slug, *, days_ago=1):
    now = timezone.now() - timedelta(days=days_ago)
    return Invitation.objects.create(
        campaign=campaign(slug=slug),
        ambassador=person,
        token=slug.ljust(64, "0"),
        status="sent",
        sent_at=now,
        created_at=now,
    )


def test_the_frequency_cap_counts_idea_news_digests_and_tier_emails_too():
    lea, paul = ambassador("lea@exemple.fr", region="bre"), ambassador("paul@exemple.fr", region="bre")
    invited(lea, "premiere")
    contacts_log([lea.pk], ContactLog.Kind.IDEA_NEWS)
    contacts_log([lea.pk], ContactLog.Kind.TIER)
    contacts_log([paul.pk], ContactLog.Kind.DIGEST)
    contacts_log([paul.pk], ContactLog.Kind.IDEA_NEWS, now=timezone.now() - timedelta(days=40))  # out of the window
    target = campaign(slug="nouvelle", segments=[region_segment()])
    campaign_launch(target)
    statuses = dict(Invitation.objects.filter(campaign=target).values_list("ambassador__email", "skip_reason"))
    assert statuses == {"lea@exemple.fr": Invitation.SkipReason.FREQUENCY_CAP, "paul@exemple.fr": ""}


def test_the_contact_history_counts_each_kind_of_email_over_a_month_and_a_year():
    lea = ambassador("lea@exemple.fr")
    invited(lea, "premiere", days_ago=3)
    invited(lea, "ancienne", days_ago=100)
    contacts_log([lea.pk], ContactLog.Kind.IDEA_NEWS)
    contacts_log([lea.pk], ContactLog.Kind.IDEA_NEWS, now=timezone.now() - timedelta(days=60))
    history = {str(label): (month, year) for label, month, year in contact_history(lea)}
    assert history["invitations"] == (1, 2)
    assert history["Nouvelle d'une idée"] == (1, 2)
    assert history["Résumé hebdomadaire"] == (0, 0)


def test_idea_news_come_each_time_until_the_ambassador_chooses_the_weekly_digest():
    lea = ambassador("lea@exemple.fr")
    assert idea_news_choice(lea) == IdeaNews.EACH_TIME
    idea_news_set(lea, IdeaNews.WEEKLY)
    assert idea_news_choice(lea) == IdeaNews.WEEKLY
    with pytest.raises(ValueError):
        idea_news_set(lea, "daily")
