"""Where a personal link may lead. ``campaigns`` knows nothing of surveys or ideas: those apps register their
destination here (in their AppConfig.ready) and the personal link redirects only to a registered one, so
click tracking can never be used as an open redirect."""

from dataclasses import dataclass

from django.core.cache import cache

# How long a campaign's landing (its published page, its destinations) is kept in the cache: in a campaign's first
# hour every click asks for the same; a page published or a survey attached shows within that many seconds.
LANDING_SECONDS = 5


@dataclass(frozen=True)
class Destination:
    key: str
    label: str  # lazily translated
    url_for: object  # callable(campaign) -> a path on this site, or None when it does not apply
    required_for: tuple = ()  # campaign kinds that cannot launch without this destination
    missing: str = ""  # lazily translated: why such a campaign cannot launch
    problems: object = None  # callable(campaign) -> [messages]: why the destination is not ready to launch
    staff_link: object = None  # callable(campaign) -> (label, admin path) where staff build or edit it, or None


_registry = {}


def register(key, label, url_for, *, required_for=(), missing="", problems=None, staff_link=None):
    _registry[key] = Destination(key, label, url_for, tuple(required_for), missing, problems, staff_link)


def staff_links(campaign):
    """[(label, admin path)] where staff attach, build or edit what the campaign's links lead to (its survey)."""
    links = (destination.staff_link(campaign) for destination in _registry.values() if destination.staff_link)
    return [link for link in links if link]


def missing_for(campaign):
    """Why ``campaign`` cannot launch yet for want of a destination its kind needs (e.g. a survey), or because
    a destination it leads to is not ready (a survey with nothing to answer): messages."""
    found = []
    for destination in _registry.values():
        if not destination.url_for(campaign):
            if campaign.kind in destination.required_for:
                found.append(str(destination.missing))
        elif destination.problems is not None:
            found.extend(str(problem) for problem in destination.problems(campaign))
    return found


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


# The page that presents a campaign, when an app publishes one (cms): the landing page then leads there.
_pages = []


def register_page(url_for):
    """``url_for(campaign, language)`` -> the path of the page presenting the campaign, in that language if it
    has one, or None."""
    _pages.append(url_for)


def page_for(campaign, language):
    for url_for in _pages:
        path = url_for(campaign, language)
        if path and path.startswith("/") and not path.startswith("//"):
            return path
    return None


def landing(campaign, language):
    """(the path of the page presenting the campaign in ``language`` or None, [(destination, path)] that apply):
    kept LANDING_SECONDS in the cache, the same for every visitor."""
    key = f"campaigns:landing:{campaign.pk}:{language}"
    found = cache.get(key)
    if found is None:
        paths = [(destination.key, path) for destination, path in for_campaign(campaign)]
        found = (page_for(campaign, language), paths)
        cache.set(key, found, LANDING_SECONDS)
    page, paths = found
    return page, [(_registry[key], path) for key, path in paths if key in _registry]
