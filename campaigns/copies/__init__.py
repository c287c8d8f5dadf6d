"""Campaign copies: a campaign duplicated as a new draft, with its emails (invitation, reminders, subjects under
test), segments and reserved tiers; the apps that keep something per campaign (its survey, its board, its page)
register a copier here (in their AppConfig.ready), so ``campaigns`` imports none of them.

A campaign marked as a template (``Campaign.is_template``) is never launched as such: staff copy it to start."""

from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.models import Campaign

_copiers = []


def register(copier):
    """``copier(source, copy)``: copy what the app keeps for ``source`` to ``copy`` (a saved draft), in the
    copy's transaction."""
    _copiers.append(copier)


def row_copy(obj, **changes):
    """A new row of ``obj``'s model with the same values (its primary key aside), ``changes`` applied."""
    values = {
        field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields if not field.primary_key
    }
    values.update(changes)
    return type(obj).objects.create(**values)


def free_slug(slug):
    """``slug`` with "-copie" (and a number if needed) that no campaign uses yet."""
    base = f"{slug[:70]}-copie"
    taken = set(Campaign.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{number}" for number in range(2, len(taken) + 3) if f"{base}-{number}" not in taken)


CLEARED = {
    "status": Campaign.Status.DRAFT,
    "opens_at": None,
    "closes_at": None,
    "launched_at": None,
    "closed_at": None,
    "deidentified_at": None,
    "ab_decide_at": None,
    "ab_decided_at": None,
    "ab_winner_id": None,
}


def campaign_copy(source, *, title=None, as_template=False):
    """A new draft copy of ``source`` with everything registered apps keep for it. Returns the copy."""
    with transaction.atomic():
        copy = row_copy(
            source,
            **CLEARED,
            title=title or _("Copie de %(title)s") % {"title": source.title},
            slug=free_slug(source.slug),
            is_template=as_template,
        )
        copy.segments.set(source.segments.all())
        copy.reserved_tiers.set(source.reserved_tiers.all())
        for reminder in source.reminders.all():
            row_copy(reminder, campaign_id=copy.pk, started_at=None)
        for variant in source.subject_variants.all():
            row_copy(variant, campaign_id=copy.pk)
        for copier in _copiers:
            copier(source, copy)
    return copy
