from django.db import migrations

from campaigns.roles import ANALYST, MODERATOR, PRODUCT_TEAM, crud, grant


def forwards(apps, schema_editor):
    grant(
        apps,
        {
            PRODUCT_TEAM: [
                *crud("ideas", "board", "category", "idea", "comment", "statuschange"),
                "ideas.view_abusereport",
                "ideas.change_abusereport",
            ],
            MODERATOR: [
                "ideas.view_board",
                "ideas.view_idea",
                "ideas.change_idea",
                "ideas.view_comment",
                "ideas.change_comment",
                "ideas.view_abusereport",
                "ideas.change_abusereport",
            ],
            ANALYST: ["ideas.view_board", "ideas.view_idea", "ideas.view_comment", "ideas.view_statuschange"],
        },
        ["ideas"],
    )


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_initial"), ("campaigns", "0004_tick_schedule_and_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
