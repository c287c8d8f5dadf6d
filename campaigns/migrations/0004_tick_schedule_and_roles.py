from django.db import migrations

from campaigns.roles import ANALYST, PRODUCT_TEAM, crud, grant


def forwards(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="campaigns: tick",
        defaults={"func": "campaigns.tasks.tick", "schedule_type": "I", "minutes": 1, "repeats": -1},
    )
    grant(
        apps,
        {
            PRODUCT_TEAM: [
                *crud("campaigns", "campaign", "reminder"),
                "campaigns.view_invitation",
                "campaigns.change_invitation",
            ],
            ANALYST: ["campaigns.view_campaign"],
        },
        ["campaigns"],
    )


def backwards(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="campaigns: tick").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_campaigns_and_invitations"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
