"""Telling people from machines: what fetched an email's pixel or followed its links.

Four verdicts (``TrackingEvent.Verdict``):

- **person**: someone opened the email or clicked in it;
- **proxy**: an image proxy fetched the pixel because someone opened the email in Gmail, Yahoo Mail or
  Outlook.com: a real open, counted once per message (the proxy caches the image, so later opens are unseen);
- **prefetch**: a privacy proxy fetched the pixel whether or not anyone opened the email (Apple Mail Privacy
  Protection downloads remote content when the message reaches the device);
- **scanner**: a security gateway fetched the pixel or followed the links to inspect them (Proofpoint, Microsoft
  Defender Safe Links, Mimecast, Barracuda, Symantec...).

Estimated-human figures count person and proxy. What a request shows (its method, agent and address) is judged
here, by the rules below in order, each with its source; what depends on time (at delivery, a burst of links,
the decoy) is judged where the event is recorded (``campaigns.tracking.events``), in the same statement, from
the ``early`` and ``burst`` alternatives a ``Judgement`` carries. Networks are ``ipaddress`` networks; a
published range goes in ``SCANNER_NETWORKS`` or ``OPEN_PROXY_NETWORKS`` with the page that publishes it."""

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache

from campaigns.models import TrackingEvent

Verdict = TrackingEvent.Verdict
PERSON, PROXY, PREFETCH, SCANNER = (v.value for v in (Verdict.PERSON, Verdict.PROXY, Verdict.PREFETCH, Verdict.SCANNER))


def networks(*ranges):
    return tuple(ipaddress.ip_network(text) for text in ranges)


# Security gateways that follow links (and sometimes load images) to inspect them, by what their agent contains
# (in lower case; "^" for what it starts with): substring tests, a tenth of a regular expression's time.
SCANNER_AGENTS = [
    # Proofpoint URL Defense and Targeted Attack Protection sandbox the URLs they rewrite:
    # https://www.proofpoint.com/us/products/email-security-and-protection/targeted-attack-protection
    ("proofpoint", ("proofpoint",)),
    # Microsoft Defender for Office 365 Safe Links and Office's link check ("Existence Discovery" probes a link
    # before Office opens it): https://learn.microsoft.com/en-us/defender-office-365/safe-links-about
    ("safe-links", ("microsoft office existence discovery", "ms-office-link-check", "bingpreview")),
    # Mimecast URL Protect scans each link at delivery and at click:
    # https://community.mimecast.com/s/article/email-security-cloud-gateway-url-protection-overview
    ("mimecast", ("mimecast",)),
    # Barracuda Link Protection: https://campus.barracuda.com/product/emailsecurityservice/doc/7274502/
    ("barracuda", ("barracuda",)),
    # Symantec (Broadcom) Email Security.cloud, formerly MessageLabs, Click-time URL Protection:
    # https://techdocs.broadcom.com/us/en/symantec-security-software/email-security/email-security-cloud.html
    ("symantec", ("symantec", "messagelabs")),
    # Programs, not browsers (their agent starts with their name): no person clicks with curl.
    ("http-library", ("^curl/", "^wget/", "^python-requests/", "^python-urllib/", "^go-http-client/", "^okhttp/")),
]

# Published networks of those gateways (their own data centres: no mailbox user browses from them).
# Microsoft 365, Exchange Online Protection (ID 9 and 10), where Safe Links fetches from:
# https://learn.microsoft.com/en-us/microsoft-365/enterprise/urls-and-ip-address-ranges
MICROSOFT_MAIL = networks(
    "40.92.0.0/15", "40.107.0.0/16", "52.100.0.0/14", "104.47.0.0/17", "2a01:111:f400::/48", "2a01:111:f403::/48"
)  # fmt: skip
SCANNER_NETWORKS = [
    ("safe-links", MICROSOFT_MAIL),
    # Mimecast data centres (EU, DE, US): https://community.mimecast.com/s/article/mimecast-data-centers-and-urls
    (
        "mimecast",
        networks(
            "91.220.42.0/24",
            "146.101.78.0/24",
            "195.130.217.0/24",
            "62.140.7.0/24",
            "62.140.10.0/24",
            "51.163.158.0/24",
            "205.139.110.0/24",
            "207.211.30.0/24",
            "207.211.31.0/24",
            "170.10.128.0/22",
        ),
    ),
    # Proofpoint Protection Server and Essentials: https://help.proofpoint.com/Proofpoint_Essentials/Email_Security/Administrator_Topics/000_gettingstarted/020_connectiondetails
    ("proofpoint", networks("67.231.144.0/20", "148.163.128.0/19")),
    # Barracuda Email Security Service: https://campus.barracuda.com/product/emailsecurityservice/doc/96023036/
    ("barracuda", networks("64.235.144.0/20", "209.222.80.0/21")),
    # Symantec Email Security.cloud: https://knowledge.broadcom.com/external/article/169941/
    ("symantec", networks("216.82.240.0/20", "85.158.136.0/21", "193.109.254.0/23", "195.245.230.0/23")),
]

# Image proxies that fetch the pixel when the person opens the email: a real open.
PROXY_AGENTS = [
    # Gmail serves images through its proxy when the message is displayed:
    # https://support.google.com/mail/answer/145919 (agent "... (via ggpht.com GoogleImageProxy)")
    ("gmail", ("googleimageproxy", "ggpht.com")),
    # Yahoo Mail's proxy: https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html
    ("yahoo", ("yahoomailproxy",)),
    # Outlook.com and Outlook on the web: https://support.microsoft.com/en-us/office/block-or-unblock-automatic-picture-downloads-in-email-messages-15e08854-6808-49b1-9a0a-50b81f2d617a
    ("outlook", ("outlookmailproxy", "outlook-proxy", "oneoutlook")),
]
# Outlook.com's proxy fetches images from Microsoft's mail network (same ranges as Safe Links, above): there an
# image is an open shown to someone, a link is a scan.
OPEN_PROXY_NETWORKS = [("outlook", MICROSOFT_MAIL)]

# Apple Mail Privacy Protection: remote content is fetched through Apple's relays when a message is downloaded
# to the device, opened or not (https://support.apple.com/en-us/102604 "Use Mail Privacy Protection on
# iPhone"), from Apple's 17.0.0.0/8 block (https://support.apple.com/en-us/101555) with a generic agent.
APPLE_NETWORKS = networks("17.0.0.0/8")
# What MPP sends: "Mozilla/5.0" alone, or no agent at all; a real mail program says what it is.
GENERIC_AGENT = re.compile(r"^\s*(Mozilla/5\.0)?\s*$")


@dataclass(frozen=True)
class Judgement:
    """The verdict on a request, and what it becomes when it comes early (within the window after delivery) or
    in a burst (another of the message's links within ``SCANNER_BURST_SECONDS``)."""

    verdict: str
    reason: str
    early: tuple = None  # (verdict, reason), or None when timing changes nothing
    burst: tuple = None

    def judged(self, *, early=False, burst=False):
        """(verdict, reason) once timing is known (events.py applies the same choice in SQL)."""
        if burst and self.burst:
            return self.burst
        if early and self.early:
            return self.early
        return self.verdict, self.reason


@lru_cache(maxsize=4096)
def network_of(address):
    """The /24 (IPv4) or /48 (IPv6) of ``address``, as text: what is kept of it. "" when it is not an address."""
    ip = _ip(address)
    if ip is None:
        return ""
    if ip.version == 4:
        return str(ip).rsplit(".", 1)[0] + ".0/24"
    return f"{ipaddress.IPv6Address(int(ip) >> 80 << 80)}/48"


def _agent_matcher(table):
    """A test of an agent against a table of (name, words in lower case, "^" for a start)."""
    rules = [(word.startswith("^"), word.lstrip("^"), name) for name, words in table for word in words]

    def match(agent):
        lowered = agent.lower()
        for at_start, word, name in rules:
            if lowered.startswith(word) if at_start else word in lowered:
                return name
        return None

    return match


def _network_matcher(table):
    """A test of an address against a table of (name, networks), by integer masks (a tenth of ``ip in net``)."""
    masks = [(net.version, int(net.network_address), int(net.netmask), name) for name, nets in table for net in nets]

    def match(ip):
        if ip is None:
            return None
        value, version = int(ip), ip.version
        for net_version, network, mask, name in masks:
            if net_version == version and value & mask == network:
                return name
        return None

    return match


_scanner_agent, _proxy_agent = _agent_matcher(SCANNER_AGENTS), _agent_matcher(PROXY_AGENTS)
_scanner_network, _open_proxy_network = _network_matcher(SCANNER_NETWORKS), _network_matcher(OPEN_PROXY_NETWORKS)
_apple_network = _network_matcher([("apple", APPLE_NETWORKS)])


def _ip(address):
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def classify_open(agent, address, method="GET"):
    """The judgement on a fetch of the pixel."""
    ip = _ip(address)
    if method == "HEAD":
        return HEAD
    if name := _scanner_agent(agent):
        return Judgement(SCANNER, f"agent:{name}")
    if name := _proxy_agent(agent):
        return Judgement(PROXY, f"proxy:{name}")
    if _apple_network(ip):
        return Judgement(PREFETCH, "apple-relay")
    if name := _open_proxy_network(ip):
        return Judgement(PROXY, f"proxy:{name}")
    if name := _scanner_network(ip):
        return Judgement(SCANNER, f"network:{name}")
    if GENERIC_AGENT.match(agent):
        return Judgement(PROXY, "generic-agent", early=(PREFETCH, "generic-agent-at-delivery"))
    return Judgement(PERSON, "person", early=(PREFETCH, "at-delivery"))


@lru_cache(maxsize=4096)
def classify_click(agent, address, method="GET"):
    """The judgement on a fetch of the personal link."""
    if method == "HEAD":
        return HEAD
    if name := _scanner_agent(agent):
        return Judgement(SCANNER, f"agent:{name}")
    if name := _scanner_network(_ip(address)):
        return Judgement(SCANNER, f"network:{name}")
    return Judgement(PERSON, "person", early=(SCANNER, "click-at-delivery"), burst=(SCANNER, "burst"))


HEAD = Judgement(SCANNER, "head")  # a browser GETs what a person opens; a link checker asks for the headers first
DECOY = Judgement(SCANNER, "decoy")  # the hidden link no person can see or reach: only a program follows it
