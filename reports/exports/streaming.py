"""How exports stream: rows are read ``CHUNK_SIZE`` at a time (a server-side cursor on PostgreSQL), and writers
tell their progress every ``PROGRESS_EVERY`` rows. Read at call time, so a test may change them."""

CHUNK_SIZE = 5000
PROGRESS_EVERY = 10_000


def stream(queryset):
    """The rows of ``queryset`` (a ``values_list``), fetched ``CHUNK_SIZE`` at a time."""
    return queryset.iterator(chunk_size=CHUNK_SIZE)
