"""Personal-link tokens: 64 hex characters, every one of them random (256 bits), drawn per row."""

from django.db import connection

from campaigns.database.tokens import token_sql

DRAWS = 400


def drawn_tokens(count=DRAWS):
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s) SELECT {token_sql()} FROM n",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]


def test_each_row_gets_its_own_token_of_64_hex_characters(db):
    tokens = drawn_tokens()
    assert len(set(tokens)) == DRAWS
    assert all(len(token) == 64 and set(token) <= set("0123456789abcdef") for token in tokens)


def test_every_character_of_a_token_is_random(db):
    """Was: two UUID4 side by side, whose version and variant digits are fixed (244 random bits, not 256).
    Over 400 tokens each of the 64 positions takes all 16 digits (a fixed digit takes one, a variant digit 4)."""
    tokens = drawn_tokens()
    fixed = [position for position in range(64) if len({token[position] for token in tokens}) < 16]
    assert fixed == []
