"""The votes table: one row per vote, the idea and when (who voted is not exported)."""

from django.utils.translation import gettext as _

from reports.exports.sources import Table, zone
from reports.exports.streaming import stream


def votes_table(campaign):
    """One row per vote: the idea and when (who voted is not exported)."""
    from ideas.models import Vote

    queryset = Vote.objects.filter(idea__campaign=campaign).order_by("pk")
    header = [_("Idée"), _("Titre de l'idée"), _("Voté le")]

    def rows():
        here = zone()
        for idea, title, created in stream(queryset.values_list("idea_id", "idea__title", "created_at")):
            yield [idea, title, created.astimezone(here).replace(tzinfo=None)]

    return Table("votes", _("Votes"), header, queryset.count, rows)
