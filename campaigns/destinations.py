"""Where a personal link may lead. ``campaigns`` knows nothing of surveys or ideas: those apps register their
destination here (in their AppConfig.ready) and the personal link redirects only to a registered one, so
click tracking can never be used as an open redirect."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Destination:
    key: str
    label: str  # lazily translated
    url_for: object  # callable(campaign) -> a path on this site, or None when it does not apply


_registry = {}


def register(key, label, url_for):
    _registry[key] = Destination(key, label, url_for)


def for_campaign(campaign):
    """[(destination, path)] that apply to this campaign, in registration order."""
    found = []
    for destination in _registry.values():
        path = destination.url_for(campaign)
        if path:
            found.append((destination, path))
    return found


def resolve(campaign, key):
    """The path of destination ``key`` for this campaign, or None (unknown key, or not for this campaign)."""
    destination = _registry.get(key)
    if destination is None:
        return None
    path = destination.url_for(campaign)
    return path if path and path.startswith("/") and not path.startswith("//") else None
