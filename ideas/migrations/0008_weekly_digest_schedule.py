from django.db import migrations


def forwards(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name="ideas: weekly digest", defaults={"func": "ideas.tasks.digests", "schedule_type": "W", "repeats": -1}
    )


def backwards(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="ideas: weekly digest").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0007_vote_detached"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
