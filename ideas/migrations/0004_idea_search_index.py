"""French full-text search of ideas: a GIN index on the very expression ``ideas.board`` searches (PostgreSQL
only; SQLite searches with a plainer match and gets no index)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(SearchVector("title", "body", config="french"), name="idea_search")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("ideas", "Idea"), INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("ideas", "Idea"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("ideas", "0003_awards_schedule")]
    operations = [migrations.RunPython(forwards, backwards)]
