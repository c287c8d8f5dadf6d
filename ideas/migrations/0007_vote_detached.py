import django.db.models.deletion
from django.db import migrations, models


def detach_past_retention(apps, schema_editor):
    """Campaigns already past retention (their invitations de-identified) lose the authors of their ideas, comments
    and votes too, as ``ideas.personal_data.campaign_detach`` does from now on."""
    done = apps.get_model("campaigns", "Campaign").objects.filter(deidentified_at__isnull=False).values("pk")
    apps.get_model("ideas", "Idea").objects.filter(campaign__in=done, author__isnull=False).update(author=None)
    apps.get_model("ideas", "Comment").objects.filter(idea__campaign__in=done, author__isnull=False).update(author=None)
    apps.get_model("ideas", "Vote").objects.filter(idea__campaign__in=done, ambassador__isnull=False).update(
        ambassador=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_retention"),
        ("ideas", "0006_idea_roadmap_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="vote",
            name="ambassador",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="idea_votes",
                to="campaigns.ambassador",
            ),
        ),
        migrations.RunPython(detach_past_retention, migrations.RunPython.noop),
    ]
