from datetime import datetime, time, timedelta

from django.db import migrations
from django.utils import timezone

from campaigns.roles import ANALYST, PRODUCT_TEAM, grant

REPORTS = ["reports.view_report", "reports.add_exportjob", "reports.view_exportjob"]


def next_monday_morning():
    """Next Monday at 7:00, site time: the weekly reports are waiting when the week starts."""
    today = timezone.localdate()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    return timezone.make_aware(datetime.combine(monday, time(7, 0)))


def forwards(apps, schema_editor):
    grant(apps, {PRODUCT_TEAM: REPORTS, ANALYST: REPORTS}, ["reports"])
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name="reports: weekly",
        defaults={
            "func": "reports.tasks.weekly_reports",
            "schedule_type": "W",
            "repeats": -1,
            "next_run": next_monday_morning(),
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="reports: weekly").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("campaigns", "0004_tick_schedule_and_roles"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
