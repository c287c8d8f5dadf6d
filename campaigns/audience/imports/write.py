"""Writing checked rows: ambassadors created or updated with their products, tags and static list, in
multi-row statements; and the temporary table that finds duplicate emails inside a file."""

from django.db import connection

from campaigns.models import Ambassador, AmbassadorProduct, AmbassadorTag, Locale, SegmentMember, Tag


def insert_values(cursor, target, types, rows, suffix=""):
    """INSERT many rows in few round trips: on PostgreSQL one statement, each column passed as one typed array
    (``unnest``); on SQLite, which has no round trips, one prepared single-row statement run for every row
    (multi-row statements of varying length would each be compiled and cached, and memory would grow)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{db_type}[]" for db_type in types)
        cursor.execute(
            f"INSERT INTO {target} SELECT * FROM unnest({arrays}){suffix}", [list(column) for column in zip(*rows)]
        )
    else:
        cursor.executemany(f"INSERT INTO {target} VALUES ({', '.join(['%s'] * len(types))}){suffix}", rows)


class SeenEmails:
    """Emails met so far in the file, with the row where each first appeared, kept in a temporary table."""

    table = "ambassador_import_seen_email"
    column = "email"

    def __enter__(self):
        self.cursor = connection.cursor()
        self.cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {self.table} ({self.column} VARCHAR(254) PRIMARY KEY, row_number INTEGER NOT NULL)"
        )
        return self

    def __exit__(self, *exc):
        self.cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
        self.cursor.close()

    def first_rows(self, pairs):
        """{email: first row number} for the (email, row number) pairs of one batch, recording them."""
        if not pairs:
            return {}
        first_in_batch = {}
        for email, row in pairs:
            first_in_batch.setdefault(email, row)
        insert_values(
            self.cursor,
            f"{self.table} ({self.column}, row_number)",
            ["varchar(254)", "integer"],
            list(first_in_batch.items()),
            suffix=f" ON CONFLICT ({self.column}) DO NOTHING",
        )
        keys = list(first_in_batch)
        if connection.vendor == "postgresql":  # one array parameter: no statement of thousands of placeholders
            self.cursor.execute(
                f"SELECT {self.column}, row_number FROM {self.table} WHERE {self.column} = ANY(%s)", [keys]
            )
        else:
            placeholders = ", ".join(["%s"] * len(keys))
            self.cursor.execute(
                f"SELECT {self.column}, row_number FROM {self.table} WHERE {self.column} IN ({placeholders})", keys
            )
        return dict(self.cursor.fetchall())


class SeenExternalIds(SeenEmails):
    """CRM identifiers met so far in the file, with the row where each first appeared."""

    table = "ambassador_import_seen_external_id"
    column = "external_id"


SIMPLE_FIELDS = ["external_id", "first_name", "last_name", "locale", "region", "age_band", "customer_since"]
NEW_COLUMNS = ["email", *SIMPLE_FIELDS, "consent_at", "created_at", "updated_at"]
DEFAULTS = {
    "external_id": None,
    "first_name": "",
    "last_name": "",
    "locale": Locale.FR,
    "region": "",
    "age_band": "",
    "customer_since": None,
}


def _insert(model, columns, rows, ignore_conflicts=False):
    """INSERT rows of ``model`` in multi-row statements: at a million rows, building a model instance per row
    (as bulk_create does) costs more than the database's own work."""
    fields = [model._meta.get_field(column) for column in columns]
    names = ", ".join(field.column for field in fields)
    types = [
        field.target_field.db_type(connection) if field.is_relation else field.db_type(connection) for field in fields
    ]
    with connection.cursor() as cursor:
        insert_values(
            cursor,
            f"{model._meta.db_table} ({names})",
            types,
            rows,
            suffix=" ON CONFLICT DO NOTHING" if ignore_conflicts else "",
        )


def write_batch(valid, now, segment):
    """Create or update the ambassadors of one batch with their products and tags. Returns (created, updated)."""
    existing = {a.email: a for a in Ambassador.objects.filter(email__in=list(valid))}
    stamp = connection.ops.adapt_datetimefield_value(now)
    new_rows = []
    for email, values in valid.items():
        ambassador = existing.get(email)
        if ambassador is None:
            new_rows.append(_new_row(email, values, stamp))
        else:
            _updated(ambassador, values, now)
    _insert(Ambassador, NEW_COLUMNS, new_rows)
    if existing:
        Ambassador.objects.bulk_update(list(existing.values()), SIMPLE_FIELDS + ["consent_at", "updated_at"])
    ids = dict(Ambassador.objects.filter(email__in=list(valid)).values_list("email", "id"))
    updated_pks = {a.pk for a in existing.values()}
    _products_write([(ids[email], v["products"]) for email, v in valid.items() if "products" in v], updated_pks)
    _tags_write([(ids[email], v["tags"]) for email, v in valid.items() if "tags" in v], updated_pks)
    if segment is not None:
        _insert(
            SegmentMember, ["segment", "ambassador"], [(segment.pk, pk) for pk in ids.values()], ignore_conflicts=True
        )
    return len(new_rows), len(existing)


def _new_row(email, values, stamp):
    """The NEW_COLUMNS of a new ambassador; consent is given unless the file says no."""
    row = {**DEFAULTS, **values}
    return [
        email,
        *(row[name] for name in SIMPLE_FIELDS[:-1]),
        connection.ops.adapt_datefield_value(row["customer_since"]),
        stamp if row.get("consent", True) else None,
        stamp,
        stamp,
    ]


def _updated(ambassador, values, now):
    """An existing ambassador with the filled cells applied (an empty cell leaves the stored value)."""
    if "consent" in values:
        if not values["consent"]:
            ambassador.consent_at = None
        elif ambassador.consent_at is None:
            ambassador.consent_at = now
    for name in SIMPLE_FIELDS:
        if name in values:
            setattr(ambassador, name, values[name])
    ambassador.updated_at = now


def _products_write(product_rows, updated_pks):
    """[(ambassador id, product ids)]: the products held, replacing those of updated ambassadors."""
    if not product_rows:
        return
    AmbassadorProduct.objects.filter(ambassador_id__in=[pk for pk, _p in product_rows if pk in updated_pks]).delete()
    _insert(
        AmbassadorProduct,
        ["ambassador", "product"],
        [(pk, product) for pk, products in product_rows for product in products],
    )


def _tags_write(tag_rows, updated_pks):
    """[(ambassador id, tag names)]: the tags, created as needed, replacing those of updated ambassadors."""
    if not tag_rows:
        return
    names = {name for _pk, tags in tag_rows for name in tags}
    Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
    tag_ids = dict(Tag.objects.filter(name__in=names).values_list("name", "id"))
    AmbassadorTag.objects.filter(ambassador_id__in=[pk for pk, _t in tag_rows if pk in updated_pks]).delete()
    _insert(AmbassadorTag, ["ambassador", "tag"], [(pk, tag_ids[name]) for pk, tags in tag_rows for name in tags])
