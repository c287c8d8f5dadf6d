"""Personal-link tokens drawn by the database itself, so a set-based INSERT or UPDATE can give each row its own."""

from django.db import connection

# The 30 random hex digits of a UUID4's text: its version digit (always 4) and variant digit (8, 9, a or b) left out.
UUID_RANDOM_DIGITS = r"regexp_replace(gen_random_uuid()::text, '^(.{8})-(.{4})-.(.{3})-.(.{3})-(.{12})$', '\1\2\3\4\5')"


def token_sql():
    """An SQL expression for 256 bits from the database's own strong random source, as 64 hex characters
    (PostgreSQL: the random digits of three UUID4, each drawn per row; SQLite: 32 random bytes)."""
    if connection.vendor == "postgresql":
        return f"left({UUID_RANDOM_DIGITS} || {UUID_RANDOM_DIGITS} || {UUID_RANDOM_DIGITS}, 64)"
    return "lower(hex(randomblob(32)))"
