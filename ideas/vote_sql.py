"""The vote's two statements, written by hand: a vote is six steps of ten of an ambassador's journey in a
campaign's first hour, and building these queries through the ORM (subqueries cloned and relabelled) cost more
CPU than running them. Status values come as parameters from the models' choices; the tests hold them to the
ORM's definitions (``ideas.board.ideas_seen``, ``ideas.badges.vote_facts``, ``ideas.voting.trend_added``)."""

from campaigns.models import Ambassador
from ideas.models import Award, Comment, Idea, Moderation, Vote

NAMES = {
    "idea": Idea._meta.db_table,
    "vote": Vote._meta.db_table,
    "award": Award._meta.db_table,
    "comment": Comment._meta.db_table,
    "ambassador": Ambassador._meta.db_table,
}
BALLOT_SQL = (
    "SELECT i.*, "
    "EXISTS(SELECT 1 FROM {vote} v WHERE v.idea_id = i.id AND v.ambassador_id = %(ambassador)s) AS voted, "
    "(SELECT COUNT(*) FROM {vote} v INNER JOIN {idea} j ON j.id = v.idea_id "
    "WHERE v.ambassador_id = %(ambassador)s AND j.campaign_id = %(campaign)s) AS used, "
    "EXISTS(SELECT 1 FROM {award} w WHERE w.ambassador_id = %(ambassador)s AND w.badge = %(first_vote)s) "
    "AS held_first_vote, "
    "EXISTS(SELECT 1 FROM {award} w WHERE w.ambassador_id = %(ambassador)s AND w.badge = %(top)s "
    "AND w.campaign_id = %(campaign)s) AS held_top, "
    "(SELECT COUNT(*) FROM {idea} j WHERE j.author_id = %(ambassador)s AND j.campaign_id = %(campaign)s "
    "AND j.moderation = %(approved)s) AS approved_ideas, "
    "(SELECT COUNT(*) FROM {comment} m INNER JOIN {idea} j ON j.id = m.idea_id WHERE m.author_id = %(ambassador)s "
    "AND j.campaign_id = %(campaign)s AND m.moderation = %(approved)s) AS approved_comments"
    "{lock} FROM {idea} i WHERE i.id = %(pk)s AND i.campaign_id = %(campaign)s "
    "AND (i.moderation = %(approved)s OR (i.author_id = %(ambassador)s AND i.moderation = %(pending)s))"
)
LOCK_SQL = ", (SELECT a.id FROM {ambassador} a WHERE a.id = %(ambassador)s FOR UPDATE) AS turn"

CAST_SQL = (
    "WITH {used}inserted AS (INSERT INTO {vote} (idea_id, ambassador_id, created_at) "
    "SELECT %(idea)s, %(ambassador)s, %(now)s{within} ON CONFLICT DO NOTHING RETURNING idea_id) "
    "UPDATE {idea} SET vote_count = {idea}.vote_count + 1, trend = GREATEST({idea}.trend, %(t)s) + %(tau)s * "
    "LN(1.0 + EXP(GREATEST(-ABS({idea}.trend - %(t)s) / %(tau)s, %(floor)s))) "
    "FROM inserted{also} WHERE {idea}.id = inserted.idea_id RETURNING {idea}.vote_count, {returned}"
)
USED_SQL = (
    "used AS (SELECT COUNT(*) AS n FROM {vote} INNER JOIN {idea} ON {idea}.id = {vote}.idea_id "
    "WHERE {vote}.ambassador_id = %(ambassador)s AND {idea}.campaign_id = %(campaign)s), "
)


def ballot_sql(*, lock):
    """The idea as its ambassador sees it (published, or their own pending), with whether they voted for it, their
    votes on its campaign, and the facts of the badges a vote can earn; with ``lock``, their row locked."""
    return BALLOT_SQL.format(lock=LOCK_SQL.format(**NAMES) if lock else "", **NAMES)


def ballot_params(*, campaign_id, pk, ambassador_id):
    return {
        "pk": pk,
        "campaign": campaign_id,
        "ambassador": ambassador_id,
        "approved": Moderation.APPROVED,
        "pending": Moderation.PENDING,
        "first_vote": Award.Badge.FIRST_VOTE,
        "top": Award.Badge.TOP_CONTRIBUTOR,
    }


def cast_sql(budget):
    """The statement casting a vote on PostgreSQL: the vote inserted unless it exists (the unique key) or, with a
    ``budget``, the ambassador's votes on the campaign reach it; then the idea's counts, as ``trend_added``
    computes them, updated and returned with the votes used before (NULL without a budget). No row back: nothing
    was written. One statement is one transaction: the vote never stands without its count."""
    if budget is None:
        return CAST_SQL.format(used="", within="", also="", returned="NULL", **NAMES)
    within = " FROM used WHERE used.n < %(budget)s"
    return CAST_SQL.format(used=USED_SQL.format(**NAMES), within=within, also=", used", returned="used.n", **NAMES)
