"""The analyst's journey, end to end in a real Chromium against a live server and a real django-q2 cluster (on
Redis): a live campaign whose invitations the cluster sent, whose survey a dozen ambassadors answered and whose
board holds ideas and votes; the analyst opens its report, sees the charts, has the cluster write the Excel
workbook, downloads it and the CSV files. The files hold the database's figures, the charts, and nobody's
email address (analysts may not see identities). Photographed for docs/screenshots/journey-analyst-*.png."""

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest

from campaigns.models import Ambassador, Invitation
from ideas.models import Idea, Vote
from reports.models import ExportJob
from surveys.answering import page_form, page_save, response_submit, survey_plan
from surveys.models import Question, Response, Survey
from surveys.page_form import field_name
from tests.browser.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.campaigns.factories import audience, launched_campaign, panel
from tests.cluster import wait_for
from tests.ideas.factories import HOSTILE_IDEA, IDEAS, idea_board
from tests.surveys.factories import budget_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RESPONDENTS = 12  # above the privacy threshold (5): every figure shows
K = Question.Kind


def shoot(page, name):
    screenshot(page, f"journey-analyst-{name}")


def form_data(survey, number):
    """What the ``number``-th respondent posts on every page, by field name (fields of other pages are ignored)."""
    data = {}
    for question in Question.objects.filter(survey=survey).prefetch_related("choices", "rows"):
        name, codes = field_name(question), [choice.code for choice in question.choices.all()]
        if question.kind in (K.SINGLE, K.LIKERT):
            data[name] = codes[number % len(codes)]
        elif question.kind == K.MULTIPLE:
            data[name] = ["budget", "virement"] if number % 2 else ["epargne"]
        elif question.kind == K.YES_NO:
            data[name] = "non" if number % 4 == 0 else "oui"
        elif question.kind == K.SCALE:
            data[name] = str(number % 5 + 1)
        elif question.kind == K.NPS:
            data[name] = str(10 - number % 8)
        elif question.kind == K.MATRIX:
            data.update(
                {
                    field_name(question, f"_r{row.pk}"): codes[(number + index) % len(codes)]
                    for index, row in enumerate(question.rows.all())
                }
            )
        elif question.kind == K.RANKING:
            data.update(
                {
                    field_name(question, f"_c{choice.pk}"): str((number + index) % len(codes) + 1)
                    for index, choice in enumerate(question.choices.all())
                }
            )
        elif question.kind == K.NUMBER:
            data[name] = str(100 * number)
        elif question.kind == K.DATE:
            data[name] = f"{2010 + number}-01-15"
        elif question.kind in (K.SHORT_TEXT, K.LONG_TEXT):
            data[name] = f"Réponse libre n° {number}"
    return data


def answer(survey, invitation, number):
    """Answer the survey page by page and submit it, through the same functions as the answering views."""
    plan = survey_plan(survey)
    data = form_data(survey, number)
    for page_number, section in enumerate(plan.sections, start=1):
        if section not in plan.visible_sections():  # conditions on the answers saved so far
            continue
        form = page_form(plan, section, invitation_id=invitation.pk, locale="fr", data=data)
        assert form.is_valid(), form.errors
        page_save(
            invitation=invitation, plan=plan, section=section, form=form, locale="fr", resume_page=page_number + 1
        )
    assert response_submit(invitation=invitation, plan=plan) == []


def download(page, link):
    with page.expect_download() as info:
        link.click()
    return info.value


def test_analyst_reads_the_report_and_downloads_the_workbook_written_by_the_cluster(
    browser, live_server, cluster, smtp_server, settings, analyst_user, tmp_path
):
    settings.SITE_URL = live_server.url
    cluster.env["SITE_URL"] = live_server.url
    cluster.start()
    people = audience(60)
    live = launched_campaign([panel(people[:50])], prepare=budget_survey)  # the cluster sends the invitations
    invitations = Invitation.objects.filter(campaign=live)
    wait_for(
        lambda: not invitations.filter(status__in=[Invitation.Status.QUEUED, Invitation.Status.SENDING]).exists(),
        timeout=60,
        interval=0.2,
        what="the cluster to send every invitation",
        explain=cluster.log_tail,
    )
    assert len(smtp_server.messages) == invitations.count() > RESPONDENTS
    # Ambassadors' mail clients load the open pixel of 30 emails; the respondents follow their personal link.
    respondents = list(invitations.select_related("ambassador").order_by("pk")[:RESPONDENTS])
    mail_client = browser().context.request  # no session: what a mail client fetches
    for _rcpt, message in smtp_server.messages[:30]:
        html = message.get_body(("html",)).get_content()
        assert mail_client.get(re.search(r'src="(http://[^"]+/t/o/[0-9a-f]{64}\.gif)"', html).group(1)).ok
    for invitation in respondents:
        [message] = smtp_server.to(invitation.ambassador.email)
        html = message.get_body(("html",)).get_content()
        assert mail_client.get(re.search(r'href="(http://[^"]+/i/[0-9a-f]{64}/)"', html).group(1)).ok
    survey = Survey.objects.get(campaign=live)
    for number, invitation in enumerate(respondents):
        answer(survey, invitation, number)
    idea_board(live)
    invited, ideas, votes = (
        invitations.count(),
        Idea.objects.filter(campaign=live).count(),
        Vote.objects.filter(idea__campaign=live).count(),
    )
    opened, clicked = (
        invitations.filter(first_opened_at__isnull=False).count(),
        invitations.filter(first_clicked_at__isnull=False).count(),
    )
    assert opened >= 30 and clicked == RESPONDENTS
    assert Response.objects.filter(survey=survey, submitted_at__isnull=False).count() == RESPONDENTS
    assert ideas == len(IDEAS) and votes > 0
    emails = set(Ambassador.objects.values_list("email", flat=True))

    # --- the analyst opens the report from the menu --------------------------------------------------------------
    page = browser()
    log_in(page, analyst_user)
    page.get_by_role("link", name="Rapports de campagne").click()
    page.wait_for_url("**/admin/campaign-reports/")
    page.get_by_role("link", name=live.title).click()
    page.wait_for_url(f"**/admin/campaign-reports/{live.pk}/")
    funnel = page.locator("table[data-funnel]")
    assert funnel.locator("tr[data-step=invited] td").inner_text() == str(invited)
    assert funnel.locator("tr[data-step=sent] td").inner_text() == str(invited)
    assert funnel.locator("tr[data-step=opened] td").inner_text() == str(opened)
    assert funnel.locator("tr[data-step=clicked] td").inner_text() == str(clicked)
    assert funnel.locator("tr[data-step=answered] td").inner_text() == str(RESPONDENTS)
    assert page.locator("section[data-question=usage]:not([data-suppressed])").is_visible()

    # Every chart is a PNG the browser loaded (they load lazily: each is scrolled to first).
    charts = page.locator(".report-charts img")
    count = charts.count()
    assert count >= 3 + 1 + 1  # funnel, rates, timeline; a question at least; the votes
    for index in range(count):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
        response = page.request.get(chart.get_attribute("src"))
        assert response.status == 200 and response.headers["content-type"] == "image/png"
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.get_by_role("heading", name="Entonnoir et taux").scroll_into_view_if_needed()
        shoot(page, f"report-{name}")
    page.set_viewport_size(DESKTOP)

    # --- the CSV files, streamed by the live server: aggregates and ideas, no table with a row per person --------
    page.get_by_role("heading", name="Exports").scroll_into_view_if_needed()
    assert page.get_by_role("link", name="Réponses (CSV)").count() == 0
    assert page.get_by_role("link", name="Invitations (CSV)").count() == 0
    ideas_csv = download(page, page.get_by_role("link", name="Idées (CSV)"))
    ideas_rows = list(csv.reader(io.StringIO(Path(ideas_csv.path()).read_text(encoding="utf-8-sig"))))
    assert len(ideas_rows) == 1 + ideas and not any("@" in cell for row in ideas_rows for cell in row)

    # --- the workbook, written by the cluster while the page waits ---------------------------------------------
    page.get_by_role("button", name="Exporter le classeur Excel").click()
    page.wait_for_url(re.compile(r"/admin/campaign-reports/exports/\d+/$"))
    page.locator("[data-export-status=done]").wait_for(timeout=60_000)  # the page refreshes itself meanwhile
    job = ExportJob.objects.get()
    assert job.created_by == analyst_user and job.format == ExportJob.Format.XLSX
    assert Path(job.file_path).parent.parent == tmp_path / "cluster-var"  # written by the cluster's process
    shoot(page, "export-ready")
    workbook_download = download(page, page.get_by_role("link", name=re.compile(r"^Télécharger rapport-")))
    assert re.fullmatch(rf"rapport-{live.slug}-\d{{8}}-\d{{4}}\.xlsx", workbook_download.suggested_filename)
    target = tmp_path / workbook_download.suggested_filename
    workbook_download.save_as(target)

    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == ["Synthèse", "Idées", "Thèmes"]  # aggregates; ideas by pseudonym; themes
    summary = workbook["Synthèse"]
    figures = {}  # the first figure under each label
    for row in summary.iter_rows(values_only=True):
        if row and isinstance(row[0], str) and len(row) > 1:
            figures.setdefault(row[0], row[1])
    assert [figures[step] for step in ("Invités", "Envoyés", "Ouverts", "Ont cliqué", "Ont répondu")] == [
        invited,
        invited,
        opened,
        clicked,
        RESPONDENTS,
    ]
    assert figures["Répondants"] == RESPONDENTS  # the first question's respondents
    assert len(summary._charts) == count and not summary._images  # the same charts as on the page, native
    assert workbook["Idées"].max_row == 1 + ideas
    cells = {
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    assert not any("@" in value for value in cells), "an email address in an analyst's export"
    assert HOSTILE_IDEA[0] in cells  # an idea's title that starts with "=" is kept as typed, as text
    assert not [
        cell.coordinate for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]
    assert not cells & emails
