"""bench/load.py's browser: one ambassador's cookies, CSRF token and connection, on ``http.client`` alone.

urllib's opener (a handler chain, ``http.cookiejar``'s policy checks, a new connection per request) cost the
client a large share of the machine's two cores at 200 threads, and at 2,000 both: the server's figures were
then the client's. This one does what a browser does for this site and no more: it keeps its connection
open while the server keeps it (``Connection: close`` under load sends the next request back to the machine's
shared queue, ``config.gunicorn_worker``), stores the cookies the server sets (name and value, removed by
``Max-Age=0``; every cookie of the site has path ``/`` and no domain), sends them back, follows redirects (a
POST answered 302 or 303 becomes a GET, as browsers do) and reads the CSRF token from each page."""

import http.client
import re
import time
import urllib.parse

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMING = re.compile(r'db;dur=([0-9.]+);desc="(\d+) queries"')
REDIRECTS = {301, 302, 303, 307, 308}
TRACE = None  # a list of (start, seconds, step) per step when bench/load.py is asked for a timeline
SHED_PATIENCE = 600  # seconds a step keeps sending a shed request again (a person would try again, then leave)


class Visitor:
    """One ambassador's browser: cookies, CSRF token, connection; appends to the shared lists per step."""

    def __init__(self, port, timings, database, errors, shed):
        self.port, self.timings, self.database, self.errors, self.shed = port, timings, database, errors, shed
        self.cookies = {}
        self.connection = None
        self.base = f"http://127.0.0.1:{port}"

    def exchange(self, method, path, body=None, headers=None):
        """(status, response headers, text) of one request; a kept-alive connection the server closed meanwhile
        is opened again and the request sent again (the server had not read it, so nothing was done)."""
        headers = {"Referer": self.base + path, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            reused = self.connection is not None and self.connection.sock is not None
            if self.connection is None:
                # a browser waits 5 minutes for an answer
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            try:
                self.connection.request(method, path, body, headers)
                response = self.connection.getresponse()
                text = response.read().decode(errors="replace")
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.connection.close()
                self.connection = None
                if not reused or attempt == 2:
                    raise
                continue
            if response.will_close:
                self.connection.close()
                self.connection = None
            self.remember(response.msg.get_all("Set-Cookie") or [])
            return response.status, response.msg, text
        raise AssertionError("unreachable")

    def remember(self, set_cookies):
        for header in set_cookies:
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            if "max-age=0" in attributes.lower().replace(" ", ""):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def follow(self, step, method, path, body, headers, seen):
        """The final (status, headers, text) after the redirects, each response's Server-Timing kept in seen. A 503
        (the queueing limit) is sent again after its Retry-After, as the page's script does (or a person reloading
        the page), for up to SHED_PATIENCE seconds: nothing was done for it."""
        patience = time.monotonic() + SHED_PATIENCE
        hops = 0
        while True:
            status, response, text = self.exchange(method, path, body, headers)
            seen.append(response.get("Server-Timing", ""))
            if status == 503 and time.monotonic() < patience:
                self.shed.append(step)
                time.sleep(float(response.get("Retry-After") or 1))
                continue
            if status not in REDIRECTS:
                return status, response, text
            hops += 1
            if hops > 10:
                raise AssertionError(f"more than 10 redirects from {path}")
            target = urllib.parse.urlsplit(urllib.parse.urljoin(self.base + path, response["Location"]))
            path = target.path + (f"?{target.query}" if target.query else "")
            if status in (301, 302, 303):
                method, body = "GET", None
                headers = {key: value for key, value in (headers or {}).items() if key != "Content-Type"}

    def request(self, step, path, data=None, csrf=None, headers=None):
        """One step, its redirects followed; returns (text, the CSRF token of the page, else the one given)."""
        method, body = "GET", None
        if data is not None:
            method = "POST"
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": csrf}, doseq=True)
        started = time.perf_counter()
        seen = []
        status, _response, text = self.follow(step, method, path, body, headers, seen)
        self.timings[step].append(time.perf_counter() - started)
        if TRACE is not None:
            TRACE.append((started, time.perf_counter() - started, step))
        found = [TIMING.search(header) for header in seen]
        self.database[step].append(
            (sum(float(m.group(1)) for m in found if m), sum(int(m.group(2)) for m in found if m))
        )
        if status >= 400:
            self.errors.append((step, status))
        found = CSRF.search(text)
        return text, found.group(1) if found else csrf

    def close(self):
        if self.connection is not None:
            self.connection.close()
