"""The sending pace: one rate for the whole site, shared by every sender of every campaign and cluster, and a rate
per recipient domain (the big French mailbox providers throttle, then refuse, senders that go too fast).

Each rate is a GCRA (generic cell rate algorithm, the token bucket written as one timestamp): a bucket keeps the
theoretical arrival time (TAT) of its next email; an email may go when the TAT is not in the future, and then
pushes it one interval further. There is no burst: emails leave evenly spaced, ``interval`` apart.

The interval is ``(1 s + SEND_RATE_MARGIN_MS) / rate``, a little more than ``1 / rate``: an email reaches the
server some time after its token was taken (building it, the network, a sender the machine set aside for a
moment). As long as that delay varies by less than the margin, no one-second window measured at the server holds
more than ``rate`` emails: ``rate + 1`` emails are ``rate`` intervals apart, 1 s + margin at the sender.

The site's bucket and the domain's are checked and taken together, atomically: in Redis by one Lua script (the
clock is Redis's, the same for every machine), in the database otherwise by a ``RateBucket`` row per bucket
locked with ``SELECT ... FOR UPDATE`` (the clock is the database's). When the site has no token, the sender
waits; when only the domain has none, the email is deferred and the sender moves on to the next one. When
Redis does not answer, no token can be taken: the email is deferred too (``PaceUnavailable``).
"""

import time

from django.conf import settings
from django.db import connection, transaction

from campaigns.models import RateBucket

KEY_PREFIX = "campaigns:pace:"
SITE = "site"

# KEYS: the site's bucket, the domain's; ARGV: their intervals in microseconds (0: no cap). Returns the waits
# (microseconds) of both, or {0, 0} once both tokens are taken.
TAKE_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local waits, tats = {0, 0}, {now, now}
for i = 1, 2 do
  local interval = tonumber(ARGV[i])
  if interval > 0 then
    tats[i] = math.max(tonumber(redis.call('GET', KEYS[i]) or '0'), now)
    waits[i] = tats[i] - now
  end
end
if waits[1] > 0 or waits[2] > 0 then
  return waits
end
for i = 1, 2 do
  local interval = tonumber(ARGV[i])
  if interval > 0 then
    redis.call('SET', KEYS[i], string.format('%.0f', tats[i] + interval), 'PX', math.ceil(interval / 1000) + 1000)
  end
end
return {0, 0}
"""


def domain_of(address):
    return address.rpartition("@")[2].lower()


def interval_of(rate):
    """Microseconds between two emails at ``rate`` per second, margin included; 0 for no cap."""
    return round((1000 + settings.SEND_RATE_MARGIN_MS) * 1000 / rate) if rate else 0


class Pacer:
    """The rates as configured when a batch starts; ``take(address)`` for each email of the batch."""

    def __init__(self):
        self.site = interval_of(settings.SEND_RATE_PER_SECOND)
        self.domains = {domain: interval_of(rate) for domain, rate in settings.SEND_DOMAIN_RATES.items() if rate}
        self.store = _redis() if settings.REDIS_URL else None

    def domain_interval(self, address):
        return self.domains.get(domain_of(address), 0)

    def take(self, address):
        """Wait for the site's token, then take it with the domain's. Returns 0 once sent may go, or the seconds
        until the domain has a token (the email is to be deferred; no token was taken)."""
        domain = domain_of(address)
        intervals = (self.site, self.domains.get(domain, 0))
        if not any(intervals):
            return 0.0  # no cap: no round trip
        while True:
            site_wait, domain_wait = self._take(domain, intervals)
            if domain_wait > 0:
                return domain_wait / 1e6
            if site_wait <= 0:
                return 0.0
            time.sleep(site_wait / 1e6)

    def _take(self, domain, intervals):
        names = (SITE, f"domain:{domain}")
        if self.store is None:
            return buckets_take(dict(zip(names, intervals, strict=True)))
        import redis

        keys = [KEY_PREFIX + name for name in names]
        try:
            return [int(wait) for wait in self.store.eval(TAKE_SCRIPT, 2, *keys, *intervals)]
        except redis.RedisError as exc:
            raise PaceUnavailable(f"{type(exc).__name__}: {exc}") from exc


class PaceUnavailable(Exception):
    """Redis did not answer: no token can be taken, so nothing is sent (the email waits; no attempt is spent)."""


_clients = {}


def _redis():
    import redis

    url = settings.REDIS_URL
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url)  # its pool notices a fork and opens new connections
    return _clients[url]


def pace_reset():
    """Forget every bucket (tests, and after changing the rates)."""
    if settings.REDIS_URL:
        store = _redis()
        keys = list(store.scan_iter(match=KEY_PREFIX + "*"))
        if keys:
            store.delete(*keys)
    RateBucket.objects.all().delete()


def _clock_sql():
    if connection.vendor == "postgresql":
        return "(extract(epoch from clock_timestamp()) * 1000000)::bigint"
    return "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)"


def buckets_take(intervals):
    """The database's buckets: ``intervals`` maps bucket names to microseconds (0: no cap). Takes a token from
    every capped bucket and returns zeros, or takes none and returns the wait of each (same order)."""
    capped = sorted(name for name, interval in intervals.items() if interval)
    with transaction.atomic(), connection.cursor() as cursor:
        rows = _buckets_locked(cursor, capped)
        if len(rows) < len(capped):  # a first email to this domain: its row, then the lock
            RateBucket.objects.bulk_create([RateBucket(name=name) for name in capped], ignore_conflicts=True)
            rows = _buckets_locked(cursor, capped)
        waits = {name: max(0, rows[name][0] - rows[name][1]) if name in rows else 0 for name in intervals}
        if any(waits.values()):
            return [waits[name] for name in intervals]
        for name in capped:
            tat, now = rows[name]
            cursor.execute(
                f"UPDATE {RateBucket._meta.db_table} SET tat = %s WHERE name = %s",
                [max(tat, now) + intervals[name], name],
            )
    return [0 for _name in intervals]


def _buckets_locked(cursor, names):
    """{name: (TAT, the database's clock)} of these buckets, locked until the transaction ends."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    placeholders = ", ".join(["%s"] * len(names))
    cursor.execute(
        f"SELECT name, tat, {_clock_sql()} FROM {RateBucket._meta.db_table} "
        f"WHERE name IN ({placeholders}) ORDER BY name{lock}",
        names,
    )
    return {name: (tat, now) for name, tat, now in cursor.fetchall()}
