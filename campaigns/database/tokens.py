"""Personal-link tokens drawn by the database itself, so a set-based INSERT or UPDATE can give each row its own."""

from django.db import connection


def token_sql():
    """An SQL expression for 256 bits from the database's own strong random source, as 64 hex characters."""
    if connection.vendor == "postgresql":
        return "replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '')"
    return "lower(hex(randomblob(32)))"
