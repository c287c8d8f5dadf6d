"""Writing the valid rows of the staging tables (``staging``), one batch of rows (a range of row numbers) at a
time. The staging table already knows which rows are new ambassadors and which are known ones (``existing_id``,
set by the checks), so a batch is written without ``ON CONFLICT``: one ``INSERT ... SELECT`` for the new
ambassadors, one ``UPDATE ... FROM`` for the known ones (with ``update``: a filled cell replaces the stored value,
an empty cell leaves it), then their products, tags and static list, each in one statement.

Every row knows its ambassador's id before its products are written (``existing_id`` for a known one, ``new_id``
for a new one), so nothing is looked up by email: on PostgreSQL a new row's id was drawn from the ambassadors'
sequence when it was staged (``staging``); on SQLite the ids of the new rows are read back by email once they
are inserted. Nothing
passes through Python but the bounds of the batch.

An ambassador that another session creates (same email) or deletes between the checks and the write makes the
batch fail (a unique violation, or fewer ambassadors updated than known) rather than be merged silently."""

from django.db import IntegrityError, connection
from django.utils.translation import gettext as _

from campaigns.audience.imports.staging import ROWS, VALID
from campaigns.models import Ambassador, AmbassadorProduct, AmbassadorTag, Locale, SegmentMember, Tag

AMBASSADORS = Ambassador._meta.db_table
# Known ambassadors' columns that a filled cell replaces (``update``): the staging column of the same name.
# The ambassador of a staged row ``r``: the known one's id, or the one drawn for a new one.
AMBASSADOR_ID = "COALESCE(r.existing_id, r.new_id)"
MERGED = ["external_id", "first_name", "last_name", "locale", "region", "age_band", "customer_since"]


def _in_batch(alias="r"):
    return f"{alias}.status = {VALID} AND {alias}.row_number > %(after)s AND {alias}.row_number <= %(last)s"


def _each(staged, column, join=""):
    """The batch's valid rows ``r``, each joined to every value ``x.value`` of its list ``column`` (products or
    tags: an array unnested on PostgreSQL, JSON text read by ``json_each`` on SQLite), then to ``join``."""
    if connection.vendor == "postgresql":
        each = f"CROSS JOIN LATERAL unnest(r.{column}) AS x(value)"
    else:
        each = f"CROSS JOIN json_each(r.{column}) AS x"
    return f"FROM {staged} r {each} {join} WHERE {_in_batch()}"


def ids_read(cursor, staged, after, last):
    """SQLite: the batch's new rows take their ambassador's id once inserted, read back by email."""
    cursor.execute(
        f"UPDATE {staged} SET new_id = (SELECT a.id FROM {AMBASSADORS} a WHERE a.email = {staged}.email) "
        f"WHERE {_in_batch(staged)} AND existing_id IS NULL",
        {"after": after, "last": last},
    )


def ambassadors_create(cursor, staged, after, last, now):
    """Insert the new ambassadors of the batch (with the ids drawn on PostgreSQL). Their consent is given unless
    the file says no. Returns how many were created."""
    postgres = connection.vendor == "postgresql"
    cursor.execute(
        f"INSERT INTO {AMBASSADORS} ({'id, ' if postgres else ''}email, external_id, first_name, last_name, "
        "locale, region, age_band, customer_since, consent_at, created_at, updated_at) "
        f"SELECT {'r.new_id, ' if postgres else ''}r.email, r.external_id, COALESCE(r.first_name, ''), "
        "COALESCE(r.last_name, ''), COALESCE(r.locale, %(locale)s), COALESCE(r.region, ''), "
        "COALESCE(r.age_band, ''), r.customer_since, CASE WHEN r.consent IS NULL OR r.consent THEN %(now)s END, "
        f"%(now)s, %(now)s FROM {staged} r WHERE {_in_batch()} AND r.existing_id IS NULL",
        {"after": after, "last": last, "now": now, "locale": Locale.FR.value},
    )
    return cursor.rowcount


def ambassadors_update(cursor, staged, after, last, now):
    """Merge the batch's rows into the known ambassadors: a filled cell replaces the stored value, an empty one
    leaves it; consent is withdrawn by a no, given by a yes if it was not, kept by an empty cell. Opt-outs are
    never touched. Returns how many were updated; IntegrityError when one was deleted since the checks (its products'
    lines would point to no one: they hold no foreign key)."""
    merged = ", ".join(f"{name} = COALESCE(r.{name}, {AMBASSADORS}.{name})" for name in MERGED)
    cursor.execute(
        f"UPDATE {AMBASSADORS} SET {merged}, consent_at = CASE WHEN r.consent IS NULL THEN {AMBASSADORS}.consent_at "
        f"WHEN r.consent THEN COALESCE({AMBASSADORS}.consent_at, %(now)s) END, updated_at = %(now)s "
        f"FROM {staged} r WHERE {AMBASSADORS}.id = r.existing_id AND {_in_batch()}",
        {"after": after, "last": last, "now": now},
    )
    updated = cursor.rowcount
    cursor.execute(
        f"SELECT COUNT(*) FROM {staged} r WHERE {_in_batch()} AND r.existing_id IS NOT NULL",
        {"after": after, "last": last},
    )
    if cursor.fetchone()[0] != updated:
        raise IntegrityError(
            _("Un ambassadeur du fichier a été supprimé pendant l'import : importez le fichier à nouveau.")
        )
    return updated


def _replaced(cursor, staged, table, column, after, last):
    """Remove what the batch's updated ambassadors held in ``table`` where the row fills ``column``. On
    PostgreSQL the ids are gathered first into an array, so the rows go through the index whatever the
    statistics say (an ``IN`` could be planned as a scan of the whole table for each batch)."""
    ids = f"SELECT r.existing_id FROM {staged} r WHERE {_in_batch()} AND r.{column} IS NOT NULL"
    ids += " AND r.existing_id IS NOT NULL"
    match = f"= ANY(ARRAY({ids}))" if connection.vendor == "postgresql" else f"IN ({ids})"
    cursor.execute(f"DELETE FROM {table} WHERE ambassador_id {match}", {"after": after, "last": last})


def products_write(cursor, staged, after, last, update):
    """The batch's products: a row's products are a set, and a known ambassador's are removed first when the row
    names some, so no line can collide."""
    table = AmbassadorProduct._meta.db_table
    if update:
        _replaced(cursor, staged, table, "products", after, last)
    cursor.execute(
        f"INSERT INTO {table} (ambassador_id, product_id) SELECT {AMBASSADOR_ID}, x.value {_each(staged, 'products')}",
        {"after": after, "last": last},
    )


def tags_write(cursor, staged, after, last, update):
    """The batch's tags: the new names first (in order, so that two connections writing batches at once take
    their locks in the same order and never wait for each other in a circle), then the lines."""
    table, tags = AmbassadorTag._meta.db_table, Tag._meta.db_table
    cursor.execute(
        f"INSERT INTO {tags} (name) SELECT DISTINCT x.value {_each(staged, 'tags')} ORDER BY 1 ON CONFLICT DO NOTHING",
        {"after": after, "last": last},
    )
    if update:
        _replaced(cursor, staged, table, "tags", after, last)
    cursor.execute(
        f"INSERT INTO {table} (ambassador_id, tag_id) SELECT {AMBASSADOR_ID}, g.id "
        f"{_each(staged, 'tags', f'JOIN {tags} g ON g.name = x.value')}",
        {"after": after, "last": last},
    )


def members_write(cursor, staged, after, last, segment):
    cursor.execute(
        f"INSERT INTO {SegmentMember._meta.db_table} (segment_id, ambassador_id) SELECT %(segment)s, {AMBASSADOR_ID} "
        f"FROM {staged} r WHERE {_in_batch()} ON CONFLICT DO NOTHING",
        {"after": after, "last": last, "segment": segment.pk},
    )


def batch_write(after, last, now, update, segment, staged=ROWS):
    """Every write of one batch of valid rows (row numbers after ``after``, up to ``last``) of the staging table
    ``staged``. Returns (created, updated)."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # The batch's commit need not wait for its WAL to reach the disk: the import's last commit (its
            # report) waits, and WAL is flushed in order, so every batch is durable once the import says so.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        created = ambassadors_create(cursor, staged, after, last, stamp)
        updated = ambassadors_update(cursor, staged, after, last, stamp) if update else 0
        if not postgres:
            ids_read(cursor, staged, after, last)
        products_write(cursor, staged, after, last, update)
        tags_write(cursor, staged, after, last, update)
        if segment is not None:
            members_write(cursor, staged, after, last, segment)
    return created, updated
