"""Writing the valid rows of the staging tables (``staging``), one batch of rows (a range of row numbers) at a
time: the ambassadors in one ``INSERT ... SELECT ... ON CONFLICT`` (an update merges the filled cells with the
stored values: an empty cell leaves the stored value), then their products, tags and static list, each in one
statement. Nothing passes through Python but the bounds of the batch."""

from django.db import connection

from campaigns.audience.imports.staging import PRODUCTS, ROWS, TAGS, VALID
from campaigns.models import Ambassador, AmbassadorProduct, AmbassadorTag, Locale, SegmentMember, Tag

AMBASSADORS = Ambassador._meta.db_table
MERGED = [
    "external_id",
    "first_name",
    "last_name",
    "locale",
    "region",
    "age_band",
    "customer_since",
    "consent_at",
    "updated_at",
]


def _ambassador(alias, column, key):
    """A join on the ambassador whose ``column`` is ``key``, looked up row by row through its index. On
    PostgreSQL a LATERAL subquery that the planner cannot flatten (its LIMIT), because the planner, reading
    statistics taken before the import filled the table, would otherwise hash the whole table for each batch (a
    cost growing with every batch); SQLite always looks up through the index."""
    if connection.vendor == "postgresql":
        return f"JOIN LATERAL (SELECT * FROM {AMBASSADORS} WHERE {column} = {key} LIMIT 1) {alias} ON TRUE"
    return f"JOIN {AMBASSADORS} {alias} ON {alias}.{column} = {key}"


def _in_batch(alias="r"):
    return f"{alias}.status = {VALID} AND {alias}.row_number > %(after)s AND {alias}.row_number <= %(last)s"


def ambassadors_write(cursor, after, last, now, update):
    """Create (and, with ``update``, update) the ambassadors of the valid rows numbered after ``after`` up to
    ``last``, in one statement. A new ambassador's consent is given unless the file says no; an existing one's
    is withdrawn by a no, given by a yes if it was not, kept by an empty cell. Opt-outs are never touched."""
    on_conflict = (
        "DO UPDATE SET " + ", ".join(f"{name} = EXCLUDED.{name}" for name in MERGED) if update else "DO NOTHING"
    )
    cursor.execute(
        f"INSERT INTO {AMBASSADORS} (email, external_id, first_name, last_name, locale, region, age_band, "
        "customer_since, consent_at, created_at, updated_at) "
        "SELECT r.email, COALESCE(r.external_id, a.external_id), COALESCE(r.first_name, a.first_name, ''), "
        "COALESCE(r.last_name, a.last_name, ''), "
        "COALESCE(r.locale, a.locale, %(locale)s), COALESCE(r.region, a.region, ''), "
        "COALESCE(r.age_band, a.age_band, ''), COALESCE(r.customer_since, a.customer_since), "
        "CASE WHEN r.consent IS NULL THEN (CASE WHEN a.id IS NULL THEN %(now)s ELSE a.consent_at END) "
        "WHEN r.consent THEN COALESCE(a.consent_at, %(now)s) ELSE NULL END, %(now)s, %(now)s "
        f"FROM {ROWS} r LEFT {_ambassador('a', 'id', 'r.existing_id')} WHERE {_in_batch()} "
        f"ON CONFLICT (email) {on_conflict}",
        {"after": after, "last": last, "now": now, "locale": Locale.FR.value},
    )


def _replaced(cursor, table, flag, after, last):
    """Remove what the batch's updated ambassadors held in ``table`` where the row fills that column. On
    PostgreSQL the ids are gathered first into an array, so the rows go through the index whatever the
    statistics say (an ``IN`` could be planned as a scan of the whole table for each batch)."""
    ids = f"SELECT r.existing_id FROM {ROWS} r WHERE {_in_batch()} AND r.{flag} AND r.existing_id IS NOT NULL"
    match = f"= ANY(ARRAY({ids}))" if connection.vendor == "postgresql" else f"IN ({ids})"
    cursor.execute(f"DELETE FROM {table} WHERE ambassador_id {match}", {"after": after, "last": last})


def products_write(cursor, after, last, update):
    table = AmbassadorProduct._meta.db_table
    if update:
        _replaced(cursor, table, "has_products", after, last)
    cursor.execute(
        f"INSERT INTO {table} (ambassador_id, product_id) SELECT a.id, p.product_id FROM {PRODUCTS} p "
        f"JOIN {ROWS} r ON r.row_number = p.row_number {_ambassador('a', 'email', 'r.email')} "
        f"WHERE {_in_batch()} ON CONFLICT DO NOTHING",
        {"after": after, "last": last},
    )


def tags_write(cursor, after, last, update):
    table, tags = AmbassadorTag._meta.db_table, Tag._meta.db_table
    cursor.execute(
        f"INSERT INTO {tags} (name) SELECT DISTINCT t.name FROM {TAGS} t JOIN {ROWS} r ON r.row_number = t.row_number "
        f"WHERE {_in_batch()} ON CONFLICT DO NOTHING",
        {"after": after, "last": last},
    )
    if update:
        _replaced(cursor, table, "has_tags", after, last)
    cursor.execute(
        f"INSERT INTO {table} (ambassador_id, tag_id) SELECT a.id, g.id FROM {TAGS} t "
        f"JOIN {ROWS} r ON r.row_number = t.row_number {_ambassador('a', 'email', 'r.email')} "
        f"JOIN {tags} g ON g.name = t.name WHERE {_in_batch()} ON CONFLICT DO NOTHING",
        {"after": after, "last": last},
    )


def members_write(cursor, after, last, segment):
    cursor.execute(
        f"INSERT INTO {SegmentMember._meta.db_table} (segment_id, ambassador_id) SELECT %(segment)s, a.id "
        f"FROM {ROWS} r {_ambassador('a', 'email', 'r.email')} WHERE {_in_batch()} ON CONFLICT DO NOTHING",
        {"after": after, "last": last, "segment": segment.pk},
    )


def batch_write(after, last, now, update, segment):
    """Every write of one batch of valid rows (row numbers after ``after``, up to ``last``)."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The batch's commit need not wait for its WAL to reach the disk: the import's last commit (its
            # report) waits, and WAL is flushed in order, so every batch is durable once the import says so.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        ambassadors_write(cursor, after, last, stamp, update)
        products_write(cursor, after, last, update)
        tags_write(cursor, after, last, update)
        if segment is not None:
            members_write(cursor, after, last, segment)
