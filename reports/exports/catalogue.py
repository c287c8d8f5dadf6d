"""Which tables a campaign's report exports, by name, to whom.

Who may see ambassadors (``may_see_identities``: the product team) gets every table: the invitations, the responses,
the ideas and the votes; for an anonymous survey the invitations and the responses carry no join key (see
``invitations_table`` and ``responses_table``). The others (analysts) get aggregates only: the summary and the
ideas (one row per idea, its author by pseudonym), no table with a row per person or per vote. Everyone gets the
themes of what the ambassadors wrote (``reports.listening``) when there is free text: aggregates only, each theme
of at least k authors, quotes scrubbed."""

from django.utils.translation import gettext as _

from reports.exports.sources import Table
from reports.exports.sources.ideas import ideas_table
from reports.exports.sources.invitations import invitations_table
from reports.exports.sources.responses import responses_table
from reports.exports.sources.summary import summary_rows
from reports.exports.sources.themes import themes_table
from reports.exports.sources.votes import votes_table
from reports.listening.campaign_listening import campaign_listening
from reports.report import campaign_report, campaign_survey

TABLE_NAMES = ["summary", "invitations", "responses", "ideas", "votes", "themes"]


def may_see_identities(user):
    """Whether exports made for ``user`` may name ambassadors (their email): those who may see ambassadors."""
    return user is not None and user.has_perm("campaigns.view_ambassador")


UNREAD = object()


def tables(campaign, *, identities=True, labelled=False, listening=UNREAD):
    """{name: Table} of the campaign's data tables (the summary apart), those it has; without ``identities``
    (analysts) only the ideas, their authors by pseudonym; the themes for all, when the campaign has free text.
    ``labelled`` (the workbook): the responses' headers and answers by their labels, with a legend of their codes."""
    from ideas.models import Board

    found = {}
    if identities:
        survey = campaign_survey(campaign)
        found["invitations"] = invitations_table(campaign, anonymous=bool(survey and survey.anonymous))
        if survey is not None:
            found["responses"] = responses_table(survey, labelled=labelled)
    if Board.objects.filter(campaign=campaign).exists():
        found["ideas"] = ideas_table(campaign, pseudonyms=not identities)
        if identities:
            found["votes"] = votes_table(campaign)
    listening = campaign_listening(campaign) if listening is UNREAD else listening  # the page has read it
    if listening is not None:
        found["themes"] = themes_table(listening)
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
