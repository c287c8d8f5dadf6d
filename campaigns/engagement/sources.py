"""Where contributions come from. Each app that keeps contributions registers, per kind, a function returning
``(sql, params)``: a SELECT of ``ambassador_id, campaign_id, occurred_at``, one row per contribution of that kind
(a survey answered, an idea posted, a vote...). Its points are ``settings.ENGAGEMENT_WEIGHTS[kind]``."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    kind: str
    label: str  # lazily translated
    select: object  # callable() -> (sql, params)


_registry = {}


def register(kind, label, select):
    _registry[kind] = Source(kind, label, select)


def registered():
    """The sources, in registration order."""
    return list(_registry.values())
