"""The audit trail (``campaigns.audit.trail``): each recorded action leaves its entry, with who, when and what,
whether it was done from the admin, the shell or a schedule; the entries never name an ambassador; they are
purged after ``AUDIT_RETENTION_MONTHS``."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from campaigns.audit import trail
from campaigns.models import Ambassador, AmbassadorImport, AuditEntry, Campaign
from campaigns.sending.clock import tick
from campaigns.sending.launch import campaign_launch
from campaigns.tasks import audit_retention
from reports.export_jobs import export_run, export_start
from reports.weekly import weekly_report_send
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def only(action):
    [entry] = entries(action)
    return entry


@pytest.fixture
def draft():
    ambassador("lea@exemple.fr", region="bre", first_name="Léa", last_name="Quintavalle")
    return campaign(segments=[region_segment()])


def act(client, target, action):
    return client.post(reverse("campaign_actions:action", args=[target.pk, action]), {"people": "1"})


def test_launch_close_and_archive_from_the_admin_are_recorded_with_who_did_them(client_for, product_user, draft):
    client = client_for(product_user)
    for action in ("launch", "close", "archive"):
        assert act(client, draft, action).status_code == 302
    assert Campaign.objects.get().status == Campaign.Status.ARCHIVED
    for action in (trail.LAUNCH, trail.CLOSE, trail.ARCHIVE):
        entry = only(action)
        assert (entry.user, entry.label, entry.object_id) == (product_user, draft.title, str(draft.pk))
        assert entry.timestamp > timezone.now() - timedelta(minutes=1)
    assert only(trail.LAUNCH).data == {"invitations": 1}


def test_a_refused_action_leaves_no_entry(client_for, product_user, draft):
    client = client_for(product_user)
    act(client, draft, "archive")  # a draft is not archived
    draft.segments.clear()
    act(client, draft, "launch")  # no segment: refused
    assert not AuditEntry.objects.filter(action__in=[trail.LAUNCH, trail.ARCHIVE]).exists()


def test_the_schedule_and_the_shell_are_recorded_as_the_service(draft):
    Campaign.objects.filter(pk=draft.pk).update(status=Campaign.Status.SCHEDULED, opens_at=timezone.now())
    tick()
    assert only(trail.LAUNCH).user is None
    second = campaign(slug="seconde", segments=[region_segment("Bretons 2")])
    call_command("launch_campaign", second.slug)
    assert [entry.user for entry in entries(trail.LAUNCH)] == [None, None]


def test_an_import_from_the_admin_is_recorded_as_its_author(
    client_for, product_user, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("ambassadeurs.csv", b"email;prenom\nlea@exemple.fr;Lea\n", "text/csv")
    with django_capture_on_commit_callbacks(execute=True):  # the import runs in django-q2 once committed
        client_for(product_user).post(reverse("ambassador_import:index"), {"file": upload})
    entry = only(trail.IMPORT)
    job = AmbassadorImport.objects.get()
    assert (entry.user, entry.label, entry.object_id) == (product_user, "ambassadeurs.csv", str(job.pk))
    assert entry.data["créés"] == 1 and entry.data["état"] == AmbassadorImport.Status.DONE


def test_an_import_from_the_shell_is_recorded(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text("email\nlea@exemple.fr\n", encoding="utf-8")
    call_command("import_ambassadors", str(path))
    entry = only(trail.IMPORT)
    assert (entry.user, entry.label, entry.data["créés"]) == (None, "liste.csv", 1)


def test_personal_data_export_and_erasure_are_recorded_without_naming_the_ambassador(client_for, product_user, draft):
    lea = Ambassador.objects.get(email="lea@exemple.fr")
    client = client_for(product_user)
    assert client.get(reverse("ambassador_data:export", args=[lea.pk])).status_code == 200
    assert client.post(reverse("ambassador_data:erase", args=[lea.pk])).status_code == 302
    call_command("export_ambassador_data", f"erased-{lea.pk}@erased.invalid")
    for action, users in ((trail.PERSONAL_DATA_EXPORT, [product_user, None]), (trail.ERASE, [product_user])):
        assert [entry.user for entry in entries(action)] == users
        assert {entry.label for entry in entries(action)} == {f"Ambassadeur n° {lea.pk}"}
    dumped = str(list(AuditEntry.objects.values()))
    assert "lea@exemple.fr" not in dumped and "Quintavalle" not in dumped and "Léa" not in dumped


def test_report_exports_are_recorded_csv_workbook_shell_and_weekly_email(client_for, analyst_user, draft, tmp_path):
    campaign_launch(draft)
    client = client_for(analyst_user)
    assert client.get(reverse("reports:csv", args=[draft.pk, "summary"])).status_code == 200  # analysts: aggregates
    job = export_start(campaign=draft, user=analyst_user)
    export_run(job.pk)
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 200
    call_command("export_report", draft.slug, "--format", "csv", "--output", str(tmp_path / "r.csv"))
    recorded = entries(trail.REPORT_EXPORT)
    assert [(entry.user, entry.data["format"]) for entry in recorded] == [
        (analyst_user, "csv"),
        (analyst_user, "xlsx"),
        (None, "csv"),
    ]
    assert {entry.object_id for entry in recorded} == {str(draft.pk)}


def test_every_action_has_a_label_in_wagtails_log_registry():
    from wagtail.log_actions import registry

    for action in trail.LABELS:
        assert registry.action_exists(action) and registry.get_action_label(action)
    assert registry.get_log_model_for_model(AuditEntry) is AuditEntry


def test_an_entry_with_an_address_that_is_none_keeps_no_address(draft):
    entry = trail.audit_record(trail.CLOSE, target=draft, user=None, address="pas-une-adresse")
    assert entry.address is None


# --- retention ---------------------------------------------------------------------------------------------


def aged(entry, days):
    AuditEntry.objects.filter(pk=entry.pk).update(timestamp=timezone.now() - timedelta(days=days))


def test_entries_older_than_the_retention_are_purged(settings, draft):
    settings.AUDIT_RETENTION_MONTHS = 12
    old = trail.audit_record(trail.CLOSE, target=draft, user=None)
    recent = trail.audit_record(trail.CLOSE, target=draft, user=None)
    aged(old, 400)
    aged(recent, 300)
    assert trail.audit_purge() == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]


def test_no_retention_keeps_every_entry(settings, draft):
    settings.AUDIT_RETENTION_MONTHS = 0
    aged(trail.audit_record(trail.CLOSE, target=draft, user=None), 4000)
    assert trail.audit_purge() == 0 and AuditEntry.objects.count() == 1


def test_the_purge_runs_every_day(settings, draft):
    schedule = Schedule.objects.get(name="campaigns: audit retention")
    assert (schedule.func, schedule.schedule_type, schedule.repeats) == (
        "campaigns.tasks.audit_retention",
        Schedule.DAILY,
        -1,
    )
    aged(trail.audit_record(trail.CLOSE, target=draft, user=None), 1000)
    assert audit_retention() == 1


def test_the_weekly_report_sent_to_its_owner_is_recorded_as_the_services(product_user, draft):
    Campaign.objects.filter(pk=draft.pk).update(owner=product_user)
    campaign_launch(draft)
    assert weekly_report_send(Campaign.objects.get(pk=draft.pk))
    entry = only(trail.REPORT_EXPORT)
    assert (entry.user, entry.object_id, entry.data["format"]) == (None, str(draft.pk), "xlsx")
