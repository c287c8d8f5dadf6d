"""gunicorn's settings for one machine, read by ``gunicorn -c gunicorn.conf.py config.wsgi:application`` (and by
bench/load.py). Each value comes from the environment, with the default chosen for a 2-core machine:

- WEB_WORKERS (default: one per core, and one more): processes. A step of an ambassador's journey is Python work
  (templates, forms, the ORM) with database round trips in between; one process per core would leave a core idle
  during those round trips, the one more keeps it busy.
- WEB_THREADS (default 1): threads per process, each with its own persistent database connection
  (DB_CONN_MAX_AGE): at most WEB_WORKERS x WEB_THREADS connections. Measured on this 2-core machine with
  PostgreSQL on it (bench/load.py, 200 ambassadors, each setting run back to back): 3 processes of 1 thread served
  196-201 steps/s (p99 1.7-2.0 s), 2 of 2 177-189, 2 of 1 154, 3 of 2 157, 4 of 2 156, 4 of 4 115-130: more
  threads than cores only make the interpreters take turns on their locks. With the database on another machine
  (longer round trips), 2 to 4 threads keep a process busy during them.
- A process takes a connection only when one of its threads is free (``config.gunicorn_worker``): the others
  wait in the listening socket's queue (``backlog``), shared by every process in arrival order, so that in a burst
  every visitor waits about as long (with a queue per process, p99 was 5 to 7 times the median).
- WEB_MAX_QUEUED (default 0: no bound but the backlog, 2048): connections waiting in that queue past which a
  request is answered 503 with Retry-After at once (``config.middleware.QueueLimitMiddleware``). Off by default: the
  connection refused is the oldest, which has already waited the whole queue, and visitors who come back at once
  keep the queue at the bound, so that nearly every request is refused (2,000 ambassadors at once with a bound of
  1,000: after 4 minutes the processes did nothing but refuse). Set it only where visitors do not come straight
  back (people who leave), to about what the machine serves in WEB_QUEUE_SECONDS (settings, default 10; the time a
  kept-alive connection's request may wait for a thread of its process before the same answer).
- WEB_TIMEOUT (default 30 s): a worker silent that long is restarted (a stuck request); WEB_GRACEFUL_TIMEOUT
  (30 s): how long a stopping worker finishes its requests; WEB_KEEPALIVE (5 s): how long an idle browser
  connection is kept (behind a proxy that keeps its own connections, as long as the proxy's idle timeout), and
  only while no connection waits for a thread.
- HTTP/1.1 only (gunicorn's default): TLS and HTTP/2 end at the proxy in front. The worker stamps a request when
  its connection is queued, which an HTTP/2 connection (many requests in one hand-over) would defeat.
- WEB_BIND (default 127.0.0.1:8000; 0.0.0.0:8000 behind a proxy on another machine); WEB_MAX_REQUESTS (default
  50,000, with jitter): a worker is replaced after that many requests, which bounds any slow leak. Not fewer: a new
  worker imports Django and warms its caches again (2 to 9 s of CPU on a busy 2-core machine), and in a burst of
  200 steps a second each of 4 workers would be replaced every 2 minutes at 5,000.
"""

import multiprocessing
import os


def _int(name, default):
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name}={raw!r}: expected a whole number") from None


os.environ.setdefault("WEB_MAX_QUEUED", "0")
_int("WEB_MAX_QUEUED", 0)  # checked here, read by the worker

wsgi_app = "config.wsgi:application"
bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = _int("WEB_WORKERS", multiprocessing.cpu_count() + 1)
worker_class = "config.gunicorn_worker.QueueTimedWorker"
threads = _int("WEB_THREADS", 1)
worker_connections = 1000
timeout = _int("WEB_TIMEOUT", 30)
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)
keepalive = _int("WEB_KEEPALIVE", 5)
backlog = 2048
max_requests = _int("WEB_MAX_REQUESTS", 50_000)
max_requests_jitter = max_requests // 10
preload_app = False  # each worker opens its own database connections after the fork
accesslog = None  # requests are counted by the tracking and the logs, not by one line per request
loglevel = os.environ.get("WEB_LOG_LEVEL", "warning")
