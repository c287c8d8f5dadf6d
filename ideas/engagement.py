"""The contributions ideas adds to the engagement score (registered in ``IdeasConfig.ready``): ideas posted and
published, ideas adopted (planned, in progress or delivered: when they first became so), votes, comments published.
Each is a SELECT of ``ambassador_id, campaign_id, occurred_at`` read by ``campaigns.engagement.recompute``."""

from ideas.models import ADOPTED, Comment, Idea, Moderation, StatusChange, Vote

IDEAS, COMMENTS = Idea._meta.db_table, Comment._meta.db_table


def ideas_posted():
    sql = (
        f"SELECT author_id AS ambassador_id, campaign_id, created_at AS occurred_at FROM {IDEAS} "
        "WHERE kind = %s AND moderation = %s AND author_id IS NOT NULL"
    )
    return sql, [Idea.Kind.IDEA, Moderation.APPROVED]


def ideas_adopted():
    marks = ", ".join(["%s"] * len(ADOPTED))
    sql = (
        f"SELECT i.author_id AS ambassador_id, i.campaign_id, MIN(c.created_at) AS occurred_at FROM {IDEAS} i "
        f"JOIN {StatusChange._meta.db_table} c ON c.idea_id = i.id AND c.to_status IN ({marks}) "
        f"WHERE i.status IN ({marks}) AND i.author_id IS NOT NULL GROUP BY i.id, i.author_id, i.campaign_id"
    )
    return sql, [*ADOPTED, *ADOPTED]


def votes():
    sql = (
        f"SELECT v.ambassador_id, i.campaign_id, v.created_at AS occurred_at FROM {Vote._meta.db_table} v "
        f"JOIN {IDEAS} i ON i.id = v.idea_id WHERE v.ambassador_id IS NOT NULL"
    )
    return sql, []


def comments():
    sql = (
        f"SELECT c.author_id AS ambassador_id, i.campaign_id, c.created_at AS occurred_at FROM {COMMENTS} c "
        f"JOIN {IDEAS} i ON i.id = c.idea_id WHERE c.moderation = %s AND c.author_id IS NOT NULL"
    )
    return sql, [Moderation.APPROVED]
