"""Telling people from machines: which opens and clicks a person made, and which a proxy or a scanner."""

import re

# Agents that fetch images on the recipient's behalf (privacy proxies, security scanners).
PROXY_AGENTS = re.compile(
    r"GoogleImageProxy|ggpht\.com|YahooMailProxy|Mimecast|Barracuda|Proofpoint|"
    r"Symantec|bingpreview|Outlook-Proxy|AppleMailProxy",
    re.IGNORECASE,
)


def is_proxy_agent(user_agent):
    return bool(PROXY_AGENTS.search(user_agent or ""))
