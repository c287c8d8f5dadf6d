"""The rejected rows of an import as files (AmbassadorImport.rejected_csv, rejected_xlsx), and their daily
deletion after EXPORT_RETENTION_DAYS."""

from django.db import migrations, models


def schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name="campaigns: import files retention",
        defaults={"func": "campaigns.tasks.import_files_retention", "schedule_type": "D", "repeats": -1},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="campaigns: import files retention").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0012_subject_tests"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="ambassadorimport",
            name="rejected_csv",
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name="ambassadorimport",
            name="rejected_xlsx",
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.RunPython(schedule, unschedule),
    ]
