"""A subject test end to end with a real django-q2 cluster on Redis and the SMTP server on loopback: the sample
goes out with its two subjects, people open one of them (the pixel of the emails received), the cluster's minute
clock decides and sends the rest of the audience the winning subject."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django_q.models import Schedule

from campaigns.models import Ambassador, Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from tests.campaigns.factories import campaign, region_segment, subject_variants
from tests.cluster import wait_for

AUDIENCE = 40
Status = Invitation.Status
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
PIXEL = re.compile(r'<img[^>]+src="([^"]+)"')


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_subject_test_runs_end_to_end_on_the_cluster(cluster, smtp_server, client, settings):
    settings.PROXY_OPEN_SECONDS = 0  # the pixel is fetched seconds after sending: still a person's open here
    now = timezone.now()
    Ambassador.objects.bulk_create(
        Ambassador(email=f"testeur{number:02}@exemple.fr", first_name=f"Nolwenn{number}", region="bre", consent_at=now)
        for number in range(AUDIENCE)
    )
    target = campaign(segments=[region_segment()])
    plain, bold = subject_variants(
        target, "Votre avis sur la banque mobile", "{prenom}, trois minutes pour votre appli ?", ab_sample_percent=50
    )
    invitations = Invitation.objects.filter(campaign=target)

    cluster.start()
    assert campaign_launch(target) == AUDIENCE
    wait_for(
        lambda: len(smtp_server.messages) >= 20, timeout=90, what="the sample's 20 emails", explain=cluster.log_tail
    )
    wait_for(
        lambda: invitations.filter(ab_sample=True, status=Status.SENT).count() == 20,
        timeout=30,
        what="the sample recorded as sent",
        explain=cluster.log_tail,
    )
    subjects = [str(message["Subject"]) for _rcpt, message in smtp_server.messages]
    assert sorted(subjects.count(subject) for subject in set(subjects) if "trois minutes" in subject) == [1] * 10
    assert subjects.count("Votre avis sur la banque mobile") == 10
    assert invitations.filter(ab_sample=False, status=Status.QUEUED).count() == 20  # the rest waits

    # The people sent the second subject open their email: their mail client fetches its pixel.
    for rcpt, message in list(smtp_server.messages):
        if "trois minutes" in str(message["Subject"]):
            assert invitations.get(ambassador__email=rcpt).subject_variant == bold
            response = client.get(urlsplit(PIXEL.search(html_of(message)).group(1)).path, HTTP_USER_AGENT=PHONE)
            assert response.status_code == 200
    assert invitations.filter(subject_variant=bold, first_human_open_at__isnull=False).count() == 10
    assert invitations.filter(subject_variant=plain, first_human_open_at__isnull=False).count() == 0

    # Four hours later, as far as the test is concerned: the decision is due, and so is the minute's clock.
    Campaign.objects.filter(pk=target.pk).update(ab_decide_at=timezone.now() - timedelta(seconds=1))
    assert Schedule.objects.filter(name="campaigns: tick").update(next_run=timezone.now()) == 1
    wait_for(
        lambda: invitations.filter(status=Status.SENT).count() == AUDIENCE,
        timeout=150,
        interval=0.5,
        what="the rest of the audience sent after the decision",
        explain=cluster.log_tail,
    )

    target.refresh_from_db()
    assert target.ab_winner == bold and target.ab_decided_at is not None and target.ab_p_value < 0.001
    rest = set(invitations.filter(ab_sample=False).values_list("ambassador__email", flat=True))
    received = [(rcpt, str(message["Subject"])) for rcpt, message in smtp_server.messages if rcpt in rest]
    assert len(received) == 20 and len(smtp_server.messages) == AUDIENCE
    assert all(subject.endswith(", trois minutes pour votre appli ?") for _rcpt, subject in received)
