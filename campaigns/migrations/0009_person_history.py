from django.db import migrations
from django.db.models import CharField, Value
from django.db.models.functions import Concat

# Labels as ``campaigns.models.person_label`` writes them, in the default language (French).
KINDS = {"ambassador": "Ambassadeur", "invitation": "Invitation", "reminderdelivery": "Relance envoyée"}


def relabel(apps, schema_editor):
    """Wagtail's history labelled ambassadors "Name <address>" (and invitations "Campaign → Name <address>"): the
    entries already written now name no one."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    for content_type in ContentType.objects.filter(app_label="campaigns", model__in=list(KINDS)):
        ModelLogEntry.objects.filter(content_type=content_type).update(
            label=Concat(Value(f"{KINDS[content_type.model]} n° "), "object_id", output_field=CharField())
        )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0008_audit_trail"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonLogEntry",
            fields=[],
            options={
                "verbose_name": "entrée d'historique sur une personne",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("wagtailcore.modellogentry",),
        ),
        migrations.RunPython(relabel, migrations.RunPython.noop),
    ]
