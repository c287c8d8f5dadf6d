from django.db import migrations, models


def schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name="surveys: files sweep",
        defaults={"func": "surveys.tasks.files_sweep", "schedule_type": "D", "repeats": -1},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="surveys: files sweep").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
        ("surveys", "0003_question_type_registry"),
    ]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="allow_uploads",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Permet les questions « envoi de fichier ». Les fichiers restent privés : seul le personnel qui "
                    "voit les ambassadeurs les télécharge."
                ),
                verbose_name="envoi de fichiers autorisé",
            ),
        ),
        migrations.RunPython(schedule, unschedule),
    ]
