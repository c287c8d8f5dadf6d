"""Hostile input on the campaigns app's public endpoints and imports (hypothesis): never a server error, never a
partial write."""

import string

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.audience.imports.files import ImportFileError
from campaigns.audience.imports.run import import_ambassadors
from campaigns.models import Ambassador, Invitation
from campaigns.sending.bounces import bounces_record_file
from campaigns.sending.launch import campaign_launch
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db
EXAMPLES = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture
def invitation():
    ambassador("lea@exemple.fr", region="bre")
    campaign_launch(campaign(segments=[region_segment()]))
    return Invitation.objects.get()


def tracked(invitation):
    invitation.refresh_from_db()
    return (invitation.open_count, invitation.click_count, invitation.unsubscribed_at)


@EXAMPLES
@given(
    token=st.one_of(
        st.text(alphabet=string.printable, max_size=80), st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
    ),
    endpoint=st.sampled_from(["/t/o/{}.gif", "/i/{}/", "/u/{}/"]),
)
def test_forged_tracking_addresses_answer_cleanly_and_count_nothing(client, invitation, token, endpoint):
    before = tracked(invitation)
    path = endpoint.format("".join(char for char in token if char not in "\r\n\x0b\x0c"))
    response = client.get(path)
    assert response.status_code in (200, 301, 302, 400, 404, 405, 410, 429)
    if token != invitation.token:
        assert tracked(invitation) == before
    assert client.post(reverse("campaigns:unsubscribe", args=["f" * 64])).status_code in (404, 429)


@EXAMPLES
@given(lines=st.lists(st.text(max_size=120), max_size=20))
def test_any_bounce_file_is_read_without_error_and_marks_only_known_addresses(invitation, lines):
    known = set(Ambassador.objects.values_list("email", flat=True))
    result = bounces_record_file(lines + ["Final-Recipient: rfc822; inconnu@exemple.fr"])
    assert "inconnu@exemple.fr" in result["unknown"]
    assert set(Ambassador.objects.filter(email_bounced_at__isnull=False).values_list("email", flat=True)) <= known


@EXAMPLES
@given(
    content=st.one_of(
        st.binary(max_size=400),
        st.lists(
            st.lists(st.text(alphabet=string.printable + "éà;", max_size=20), min_size=1, max_size=6),
            min_size=1,
            max_size=6,
        ).map(lambda rows: "\n".join(",".join(row) for row in [["email", "prenom", "region"], *rows]).encode()),
    )
)
def test_any_ambassador_file_is_imported_whole_or_refused_with_nothing_written(tmp_path_factory, content):
    before = Ambassador.objects.count()
    path = tmp_path_factory.mktemp("import") / "ambassadeurs.csv"
    path.write_bytes(content)
    try:
        report = import_ambassadors(path)
    except ImportFileError as error:
        assert str(error)  # a clear message
        assert Ambassador.objects.count() == before
        return
    if report.rejected:
        assert Ambassador.objects.count() == before and report.errors
    else:
        assert Ambassador.objects.count() == before + report.created
