"""gunicorn's threaded worker (gthread), telling the application (``config.queueing``) how long each request
waited for one of the process's threads and whether the process was already full when it came: with a burst
on 2 cores, the queue in front of the threads is where latency grows without bound. ``gunicorn.conf.py`` sets
``worker_class`` to it; ``WEB_MAX_IN_FLIGHT`` is the bound (requests queued or running in one process)."""

import os
import time

from gunicorn.workers.gthread import ThreadWorker

from config import queueing


class QueueTimedWorker(ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.in_flight = 0  # changed by the main loop only (enqueue_req and finish_request run there)
        self.max_in_flight = int(os.environ.get("WEB_MAX_IN_FLIGHT") or 0)

    def enqueue_req(self, conn):
        self.in_flight += 1
        conn.queued_at = time.monotonic()
        conn.crowded = bool(self.max_in_flight) and self.in_flight > self.max_in_flight
        super().enqueue_req(conn)

    def finish_request(self, conn, fs):
        self.in_flight -= 1
        super().finish_request(conn, fs)

    def handle(self, conn):
        queueing.arrived(getattr(conn, "queued_at", None), getattr(conn, "crowded", False))
        try:
            return super().handle(conn)
        finally:
            queueing.left()
