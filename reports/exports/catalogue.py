"""Which tables a campaign's report exports, by name, and whether they may name ambassadors."""

from django.utils.translation import gettext as _

from reports.exports.sources import Table
from reports.exports.sources.ideas import ideas_table
from reports.exports.sources.invitations import invitations_table
from reports.exports.sources.responses import responses_table
from reports.exports.sources.summary import summary_rows
from reports.exports.sources.votes import votes_table
from reports.report import campaign_report, campaign_survey

TABLE_NAMES = ["summary", "invitations", "responses", "ideas", "votes"]


def may_see_identities(user):
    """Whether exports made for ``user`` may name ambassadors (their email): those who may see ambassadors."""
    return user is not None and user.has_perm("campaigns.view_ambassador")


def tables(campaign, *, identities=True):
    """{name: Table} of the campaign's data tables (the summary apart), those it has; without ``identities``
    no table names anyone."""
    from ideas.models import Board

    survey = campaign_survey(campaign)
    found = {"invitations": invitations_table(campaign, anonymous=bool(survey and survey.anonymous) or not identities)}
    if survey is not None:
        found["responses"] = responses_table(survey, identities=identities)
    if Board.objects.filter(campaign=campaign).exists():
        found["ideas"] = ideas_table(campaign)
        found["votes"] = votes_table(campaign)
    return found


def summary_table(campaign):
    report = campaign_report(campaign)
    rows = list(summary_rows(report))
    return Table("summary", _("Synthèse"), [], lambda: len(rows), lambda: iter(rows))


def table(campaign, name, *, identities=True):
    """One table of the campaign by name, or None."""
    if name == "summary":
        return summary_table(campaign)
    return tables(campaign, identities=identities).get(name)
