from django.db import migrations

from campaigns.roles import ANALYST, EDITOR, PRODUCT_TEAM, crud, grant


def forwards(apps, schema_editor):
    grant(
        apps,
        {
            PRODUCT_TEAM: [
                *crud("surveys", "survey", "section", "question", "choice", "matrixrow"),
                "surveys.view_response",
            ],
            EDITOR: ["surveys.view_survey"],
            ANALYST: ["surveys.view_survey", "surveys.view_question", "surveys.view_response"],
        },
        ["surveys"],
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial"), ("campaigns", "0004_tick_schedule_and_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
