"""The site's rate is one cap for the whole site: two django-q2 clusters sending two campaigns at once, each with
several senders, stay under ``SEND_RATE_PER_SECOND`` over every one-second window measured at the SMTP server, and
under each domain's cap (``SEND_DOMAIN_RATES``)."""

import pytest
from django.utils import timezone

from campaigns.models import Ambassador, Invitation
from campaigns.sending.launch import campaign_launch
from tests.campaigns.factories import campaign, region_segment
from tests.cluster import wait_for

SITE_RATE = 20
ORANGE_RATE = 4
PER_CAMPAIGN = 120  # one in four at orange.fr
Status = Invitation.Status


def busiest_second(times):
    """The most arrivals in any one-second window [t, t + 1 s) of these monotonic times."""
    times = sorted(times)
    most, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def test_busiest_second_counts_the_fullest_window():
    assert busiest_second([]) == 0
    assert busiest_second([0.0, 0.5, 0.99, 1.0, 1.5]) == 3
    assert busiest_second([0.0, 1.0, 2.0]) == 1


def _audiences(now):
    people = []
    for region in ("bre", "idf"):
        for number in range(PER_CAMPAIGN):
            domain = "orange.fr" if number % 4 == 0 else "exemple.fr"
            people.append(Ambassador(email=f"{region}.{number:03}@{domain}", region=region, consent_at=now))
    Ambassador.objects.bulk_create(people)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clusters_and_two_campaigns_share_one_site_rate_and_each_domain_cap(cluster, smtp_server):
    _audiences(timezone.now())
    first = campaign(slug="banque-mobile", segments=[region_segment("Bretons", "bre")])
    second = campaign(slug="epargne", title="Épargne", segments=[region_segment("Franciliens", "idf")])
    cluster.env.update(
        {
            "SEND_RATE_PER_SECOND": str(SITE_RATE),
            "SEND_DOMAIN_RATES": f"orange.fr={ORANGE_RATE}",
            # the margin covers how much the time from token to server varies: on a 2-core machine running the
            # whole suite beside two clusters, more than the default 100 ms
            "SEND_RATE_MARGIN_MS": "250",
        }
    )
    cluster.start()
    cluster.start()
    assert campaign_launch(first) == PER_CAMPAIGN
    assert campaign_launch(second) == PER_CAMPAIGN
    invitations = Invitation.objects.filter(campaign__in=[first, second])
    wait_for(
        lambda: invitations.filter(status=Status.SENT).count() == 2 * PER_CAMPAIGN,
        timeout=120,
        interval=0.5,
        what="every invitation of both campaigns sent",
        explain=cluster.log_tail,
    )

    arrivals = list(smtp_server.received_at)
    site = busiest_second(moment for _rcpt, moment in arrivals)
    orange = busiest_second(moment for rcpt, moment in arrivals if rcpt.endswith("@orange.fr"))
    seconds = max(moment for _rcpt, moment in arrivals) - min(moment for _rcpt, moment in arrivals)
    print(f"\n{len(arrivals)} emails in {seconds:.1f} s: busiest second {site} (cap {SITE_RATE}), orange.fr {orange}")
    assert len(arrivals) == 2 * PER_CAMPAIGN  # each once
    assert site <= SITE_RATE
    assert orange <= ORANGE_RATE
    assert site >= SITE_RATE * 0.6  # the cap is the limit, not a crawl
    # the orange.fr emails were deferred, not lost, and the others did not wait for them
    assert not invitations.filter(attempts__gt=1).exists()
