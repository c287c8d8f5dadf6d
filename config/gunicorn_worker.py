"""gunicorn's threaded worker (gthread), made fair across processes and telling the application
(``config.queueing``) how crowded the machine is when each request is taken.

gthread accepts every connection it can and queues it in front of its own threads: in a burst each process then
keeps its own queue, and a visitor who landed in a long one waits several times longer than one who landed in a
short one (bench/load.py at 200 ambassadors: p50 2 s, p99 9 to 14 s). This worker takes a new connection only
when one of its threads is free, so the connections waiting are left in the listening socket's queue, one queue
in arrival order shared by every process: whoever frees a thread first serves the oldest. For the same reason a
connection is kept alive after its response only while nobody waits in that queue (a kept connection's next
request would jump it), except after a redirect: the browser follows it at once on the same connection, and that
request finishes the step the visitor is waiting for (a page's save, then the next page), so a step costs one wait
in the queue, not two (bench/load.py at 200 ambassadors: the page steps' p99 from about twice the others' to
theirs). The length of that queue (Linux's ``TCP_INFO`` of the listening socket) is what the
queueing limit reads: past ``WEB_MAX_QUEUED`` waiting connections a request is answered 503 at once.
``gunicorn.conf.py`` sets ``worker_class`` to it."""

import os
import socket
import struct
import time

from gunicorn.workers.gthread import ThreadWorker

from config import queueing


def listen_queue(listener):
    """Connections waiting to be accepted on ``listener`` (Linux: ``tcpi_unacked`` of a listening socket's
    ``TCP_INFO``), or 0 where the system does not say."""
    try:
        info = listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    except (AttributeError, OSError):
        return 0
    return struct.unpack_from("I", info, 24)[0] if len(info) >= 28 else 0


class QueueTimedWorker(ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.in_flight = 0  # changed by the main loop only (enqueue_req and finish_request run there)
        self.max_queued = int(os.environ.get("WEB_MAX_QUEUED") or 0)

    def waiting(self):
        """Connections waiting for a thread of any process on this machine."""
        return sum(listen_queue(listener) for listener in self.sockets)

    def set_accept_enabled(self, enabled):
        # gthread's main loop asks for accepting whenever it has room for connections; a thread must be free too
        super().set_accept_enabled(enabled and self.in_flight < self.cfg.threads)

    def enqueue_req(self, conn):
        self.in_flight += 1
        waiting = self.waiting()
        conn.queued_at = time.monotonic()
        conn.load = waiting / self.max_queued if self.max_queued else 0.0
        if self.in_flight >= self.cfg.threads:
            self.set_accept_enabled(False)
        super().enqueue_req(conn)

    def finish_request(self, conn, fs):
        self.in_flight -= 1
        super().finish_request(conn, fs)

    def handle(self, conn):
        queueing.arrived(getattr(conn, "queued_at", None), getattr(conn, "load", 0.0))
        try:
            return super().handle(conn)
        finally:
            queueing.left()

    def load_wsgi(self):
        super().load_wsgi()
        application = self.wsgi

        def wsgi(environ, start_response):
            def started(status, headers, exc_info=None):
                if self.cfg.keepalive and not status.startswith("3") and self.waiting():
                    start_response.__self__.force_close()  # gunicorn's Response: "Connection: close" is sent
                return start_response(status, headers, exc_info)

            return application(environ, started)

        self.wsgi = wsgi
