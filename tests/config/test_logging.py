"""Structured logs: sends, failures and bounces are logged with their fields, as JSON lines (or key=value pairs)
that carry no email address."""

import io
import json
import logging
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from campaigns.sending.launch import campaign_launch
from config.log_format import JsonFormatter, KeyValueFormatter
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(caplog):
    caplog.set_level(logging.INFO, logger="campaigns")
    return lambda name: [record for record in caplog.records if record.name == name]


def test_a_send_logs_each_batch_and_each_failure_as_json_without_addresses(
    logged, smtp_server, django_capture_on_commit_callbacks
):
    for number in range(3):
        ambassador(f"ambassadeur{number}@exemple.fr", region="bre")
    smtp_server.reply = lambda rcpt, attempt: "550 5.1.1 No such user" if rcpt == "ambassadeur1@exemple.fr" else None
    target = campaign(segments=[region_segment()])
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(target)

    lines = [json.loads(JsonFormatter().format(record)) for record in logged("campaigns.sending")]
    by_message = {line["message"]: line for line in lines}
    assert by_message["campaign launched"]["invitations"] == 3
    batch = by_message["batch sent"]
    assert (batch["campaign_id"], batch["emails"], batch["sent"], batch["failed"], batch["retry"]) == (
        target.pk,
        3,
        2,
        1,
        0,
    )
    assert batch["level"] == "INFO" and batch["logger"] == "campaigns.sending"
    assert batch["time"].endswith("+00:00")
    failed = by_message["email failed"]
    assert failed["level"] == "WARNING" and "550" in failed["error"] and "<email>" in failed["error"]
    assert "@" not in json.dumps(lines)


def test_a_bounce_file_logs_what_it_recorded(logged, tmp_path):
    ambassador("lea@exemple.fr")
    bounces = tmp_path / "bounces.txt"
    bounces.write_text("lea@exemple.fr\ninconnu@exemple.fr\npas une adresse\n")
    call_command("record_bounces", str(bounces), stdout=io.StringIO())
    [record] = [r for r in logged("campaigns.sending") if r.getMessage() == "bounce file recorded"]
    assert (record.bounced, record.unknown, record.unreadable) == (1, 1, 1)
    [single] = [r for r in logged("campaigns.sending") if r.getMessage() == "bounce recorded"]
    assert (
        KeyValueFormatter()
        .format(single)
        .endswith(f"bounce recorded ambassadors=[{single.ambassadors[0]}] invitation=null invitations=0")
    )


def test_exceptions_are_kept_and_masked_in_both_formats():
    try:
        raise ValueError("refusé pour lea@exemple.fr")
    except ValueError:
        record = logging.LogRecord("campaigns", logging.ERROR, __file__, 1, "échec", None, sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert "ValueError: refusé pour <email>" in line["exception"]
    assert "ValueError: refusé pour <email>" in KeyValueFormatter().format(record)


def test_an_unknown_log_format_is_refused_by_name():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "LOG_FORMAT": "xml"},
        timeout=60,
    )
    assert result.returncode != 0 and "LOG_FORMAT must be json or plain, not 'xml'" in result.stderr
