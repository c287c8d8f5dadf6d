import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from campaigns.models import Campaign
from reports import tasks
from reports.models import WeeklyReport
from reports.weekly import weekly_report_send, weekly_reports_send

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 3, 9, 6, 0, tzinfo=UTC)


@pytest.fixture
def owned(answered, product_user):
    Campaign.objects.filter(pk=answered.campaign_id).update(owner=product_user)
    return Campaign.objects.select_related("owner").get(pk=answered.campaign_id)


def attachment(message):
    [part] = [part for part in message.iter_attachments() if part.get_filename().endswith(".xlsx")]
    return load_workbook(io.BytesIO(part.get_content()))


def test_the_owner_receives_the_weekly_report_with_the_workbook(owned, smtp_server):
    assert weekly_reports_send(now=MONDAY) == {"sent": 1, "failed": 0}
    [message] = smtp_server.to("produit@banque.example")
    assert "Rapport de la semaine" in message["Subject"] and "La banque mobile de demain" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Taux de clic des ouverts : 50,0\u00a0%" in text and "repère 20\u00a0%" in text
    assert "Taux d&#x27;ouverture" in html and "/admin/campaign-reports/" in html
    workbook = attachment(message)
    assert workbook.sheetnames == ["Synthèse", "Invitations", "Réponses", "Thèmes", "Codes"]
    assert WeeklyReport.objects.get().recipient == "produit@banque.example"


def test_the_weekly_report_goes_once_a_week(owned, smtp_server):
    assert weekly_report_send(owned, now=MONDAY)
    assert not weekly_report_send(owned, now=MONDAY.replace(day=12))
    assert weekly_reports_send(now=MONDAY.replace(day=13)) == {"sent": 0, "failed": 0}
    assert weekly_reports_send(now=MONDAY.replace(day=16)) == {"sent": 1, "failed": 0}
    assert len(smtp_server.to("produit@banque.example")) == 2


def test_only_live_campaigns_with_an_owner_get_one(owned, smtp_server):
    Campaign.objects.filter(pk=owned.pk).update(status=Campaign.Status.CLOSED, closed_at=MONDAY)
    assert weekly_reports_send(now=MONDAY) == {"sent": 0, "failed": 0}
    Campaign.objects.filter(pk=owned.pk).update(status=Campaign.Status.LIVE, owner=None)
    assert weekly_reports_send(now=MONDAY) == {"sent": 0, "failed": 0}
    assert smtp_server.messages == []


def test_a_big_workbook_is_replaced_by_the_summary(owned, smtp_server):
    assert weekly_report_send(owned, now=MONDAY, max_bytes=1000)
    [message] = smtp_server.to("produit@banque.example")
    assert attachment(message).sheetnames == ["Synthèse"]
    assert "trop volumineux" in message.get_body(("plain",)).get_content()


def test_the_schedule_calls_the_weekly_task(owned, smtp_server):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="reports: weekly")
    assert schedule.func == "reports.tasks.weekly_reports" and schedule.schedule_type == Schedule.WEEKLY
    assert tasks.weekly_reports() == {"sent": 1, "failed": 0}
