"""Python's cyclic garbage collector held off while an import reads and checks its rows (a file's or the API's).

A batch of rows is tens of thousands of containers (cells, tuples, the JSON's dicts and lists) that live until it
is staged: they carried the collector into its full collections, each a scan of every object of the process. The
API's upsert measured it (bench/api_upsert.py, per 100,000 rows: 3.0 s of Python CPU without the pause, 2.1 s with
it), and the file import spends the same share on it."""

import gc
import threading
from contextlib import contextmanager


class _Pause:
    lock = threading.Lock()
    calls = 0  # calls inside collection_paused, in every thread
    resume = False  # whether the collector ran before the first of them


@contextmanager
def collection_paused():
    """Python's cyclic garbage collector held off for the block (the rows' parsing, cells and checks), then resumed
    as it was. Reference counting still frees everything at once; only garbage in reference cycles, made by the block
    or by the process's other threads meanwhile, waits for the collector's next run after the block. Nested and
    concurrent calls share one pause: the last to leave resumes the collector, if it ran before the first came in."""
    with _Pause.lock:
        if _Pause.calls == 0:
            _Pause.resume = gc.isenabled()
            gc.disable()
        _Pause.calls += 1
    try:
        yield
    finally:
        with _Pause.lock:
            _Pause.calls -= 1
            if _Pause.calls == 0 and _Pause.resume:
                gc.enable()
