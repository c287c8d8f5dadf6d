import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaigns.models import Invitation, TrackingEvent
from reports.listening.campaign_listening import campaign_listening
from reports.models import ExportJob
from tests.reports.conftest import HOSTILE, refused

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n"


def urls(campaign, question, job):
    return {
        "index": reverse("reports:index"),
        "report": reverse("reports:campaign", args=[campaign.pk]),
        "chart": reverse("reports:chart", args=[campaign.pk, "funnel"]),
        "question chart": reverse("reports:question_chart", args=[campaign.pk, question.pk]),
        "csv": reverse("reports:csv", args=[campaign.pk, "summary"]),
        "export": reverse("reports:export", args=[job.pk]),
        "download": reverse("reports:download", args=[job.pk]),
    }


@pytest.fixture
def finished_job(answered, analyst_user, client_for, django_capture_on_commit_callbacks):
    client = client_for(analyst_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:export_create", args=[answered.campaign.pk]))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:export", args=[job.pk])
    client.logout()
    return job


@pytest.mark.parametrize("role", ["analyst_user", "product_user"])
def test_analysts_and_product_team_see_every_report_view(request, client_for, role, answered, board, finished_job):
    client = client_for(request.getfixturevalue(role))
    question = answered.questions.get(code="usage")
    for name, url in urls(answered.campaign, question, finished_job).items():
        response = client.get(url)
        assert response.status_code == 200, name
    assert client.post(reverse("reports:export_create", args=[answered.campaign.pk])).status_code == 302


@pytest.mark.parametrize("role", ["editor_user", "moderator_user", "outsider_user"])
def test_other_roles_are_refused_every_report_view_and_export(request, client_for, role, answered, finished_job):
    client = client_for(request.getfixturevalue(role))
    question = answered.questions.get(code="usage")
    for name, url in urls(answered.campaign, question, finished_job).items():
        assert refused(client.get(url)), name
    assert refused(client.post(reverse("reports:export_create", args=[answered.campaign.pk])))
    assert ExportJob.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login(client, answered):
    response = client.get(reverse("reports:campaign", args=[answered.campaign.pk]))
    assert refused(response)


def test_menu_lists_launched_campaigns(client_for, analyst_user, known):
    page = client_for(analyst_user).get(reverse("reports:index")).content.decode()
    assert "La banque mobile de demain" in page and reverse("reports:campaign", args=[known.pk]) in page


def test_report_page_shows_funnel_rates_definitions_and_results_escaped(
    client_for, analyst_user, answered, board, settings, django_assert_max_num_queries
):
    settings.PRIVACY_THRESHOLD = 1
    client = client_for(analyst_user)
    client.get(reverse("reports:campaign", args=[answered.campaign.pk]))  # sessions, permissions cached
    with django_assert_max_num_queries(60):
        response = client.get(reverse("reports:campaign", args=[answered.campaign.pk]))
    page = response.content.decode()
    assert 'data-step="delivered"' in page and "Taux d&#x27;ouverture" in page and "Ouverts / distribués." in page
    assert "55,6\u00a0%" in page  # 10 opened of 18 delivered
    assert "20\u00a0%" in page and "10\u00a0%" in page  # the reference lines
    assert reverse("reports:chart", args=[answered.campaign.pk, "funnel"]) in page
    assert 'data-question="nps"' in page and "Score NPS" in page
    assert HOSTILE not in page and "&lt;script&gt;" in page
    assert reverse("reports:csv", args=[answered.campaign.pk, "summary"]) in page
    assert reverse("reports:csv", args=[answered.campaign.pk, "ideas"]) in page
    assert reverse("reports:csv", args=[answered.campaign.pk, "invitations"]) not in page  # analysts: aggregates
    opens = re.search(r'<tr data-engagement="opens">.*?</tr>', page, re.S).group(0)
    assert "<td data-raw>10</td>" in opens and "Humains estimés" in page and "GoogleImage" not in opens
    assert "Apple" in opens and 'data-engagement="clicks"' in page


def test_report_page_suppresses_small_groups(client_for, analyst_user, known):
    page = client_for(analyst_user).get(reverse("reports:campaign", args=[known.pk])).content.decode()
    assert 'data-group="naq" data-suppressed' in page and "masqué (&lt; 5)" in page


def test_cross_tab_on_request(client_for, analyst_user, answered, settings):
    settings.PRIVACY_THRESHOLD = 1
    question = answered.questions.get(code="usage")
    page = (
        client_for(analyst_user)
        .get(reverse("reports:campaign", args=[answered.campaign.pk]), {"question": question.pk, "by": "region"})
        .content.decode()
    )
    assert 'data-crosstab="region"' in page and "Île-de-France" in page


def test_charts_are_png_and_unknown_ones_404(client_for, analyst_user, answered):
    client = client_for(analyst_user)
    response = client.get(reverse("reports:chart", args=[answered.campaign.pk, "timeline"]))
    assert response["Content-Type"] == "image/png" and response.content.startswith(PNG)
    assert client.get(reverse("reports:chart", args=[answered.campaign.pk, "nothing"])).status_code == 404


def test_csv_is_streamed(client_for, product_user, answered):
    response = client_for(product_user).get(reverse("reports:csv", args=[answered.campaign.pk, "invitations"]))
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    assert text.count("\n") == 20


def test_export_job_page_links_to_the_workbook(client_for, analyst_user, finished_job):
    client = client_for(analyst_user)
    finished_job.refresh_from_db()
    themes = campaign_listening(finished_job.campaign).themes
    assert finished_job.status == ExportJob.Status.DONE and finished_job.rows_done == len(themes)  # and the summary
    page = client.get(reverse("reports:export", args=[finished_job.pk])).content.decode()
    assert reverse("reports:download", args=[finished_job.pk]) in page and 'data-export-status="done"' in page
    download = client.get(reverse("reports:download", args=[finished_job.pk]))
    assert "attachment" in download["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames == ["Synthèse", "Thèmes"]  # analysts: aggregates only


def test_campaign_listing_has_a_report_button(client_for, product_user, known):
    report = reverse("reports:campaign", args=[known.pk])
    listing = reverse("wagtailsnippets_campaigns_campaign:list")
    assert report in client_for(product_user).get(listing).content.decode()


def test_only_those_who_may_see_ambassadors_get_their_emails_in_exports(
    client_for, analyst_user, product_user, answered
):
    def csv_of(user, table):
        response = client_for(user).get(reverse("reports:csv", args=[answered.campaign.pk, table]))
        return b"".join(response.streaming_content).decode("utf-8-sig")

    for table in ("invitations", "responses"):
        assert (
            client_for(analyst_user).get(reverse("reports:csv", args=[answered.campaign.pk, table])).status_code == 404
        )
        assert "@exemple.fr" in csv_of(product_user, table)


def test_no_report_view_or_export_shows_a_tracking_events_agent_or_network(client_for, product_user, known):
    for invitation in Invitation.objects.filter(campaign=known):
        TrackingEvent.objects.create(
            invitation=invitation, kind="click", at=timezone.now(), verdict="scanner", reason="network:mimecast",
            agent="Mozilla/5.0 (Secret-Agent/7)", network="91.220.42.0/24",
        )  # fmt: skip
    client = client_for(product_user)  # the product team: every table (analysts get fewer)
    pages = [client.get(reverse("reports:campaign", args=[known.pk]))]
    pages += [client.get(reverse("reports:csv", args=[known.pk, name])) for name in ("summary", "invitations")]
    for response in pages:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200 and b"Secret-Agent" not in body and b"91.220.42" not in body


def test_report_and_its_charts_are_computed_once_then_read_from_the_cache(
    client_for, analyst_user, known, django_assert_max_num_queries
):
    from django.urls import reverse

    client = client_for(analyst_user)
    url = reverse("reports:campaign", args=[known.pk])
    assert client.get(url).status_code == 200
    first = client.get(reverse("reports:chart", args=[known.pk, "timeline"]))
    assert first.status_code == 200 and first["Content-Type"] == "image/png"
    # session, user, permissions, campaign, exports, the check for new free texts: no figure recomputed
    with django_assert_max_num_queries(18):
        assert client.get(url).status_code == 200
        again = client.get(reverse("reports:chart", args=[known.pk, "timeline"]))
    assert again.content == first.content


def test_a_further_view_of_the_report_reads_caches_only(client_for, product_user, answered, board):
    """Second view: no query on the tables that grow with the campaign (invitations, answers, ideas, their answers
    and votes): the report, the exported tables, the board's questions and the listening come from the cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = client_for(product_user)
    url = reverse("reports:campaign", args=[answered.campaign.pk])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    grown = ("campaigns_invitation", "surveys_answer", "surveys_response", "surveys_question", "ideas_")
    read = [query["sql"] for query in queries.captured_queries if any(table in query["sql"] for table in grown)]
    assert read == [], read
