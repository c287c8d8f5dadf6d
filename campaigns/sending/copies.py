"""A new campaign from a copy of another: its texts, settings, reminders, subject variants and segments, as a draft
that nobody has been invited to yet."""

from django.db import transaction

from campaigns.models import Campaign

NOT_COPIED = [
    "id",
    "title",
    "slug",
    "status",
    "launched_at",
    "closed_at",
    "deidentified_at",
    "ab_decide_at",
    "ab_decided_at",
    "ab_winner",
    "ab_p_value",
    "created_at",
    "updated_at",
]


def campaign_copy(campaign, *, title, slug, owner=None):
    """A draft copy of ``campaign`` titled ``title`` at ``slug``. Returns it (saved)."""
    with transaction.atomic():
        copy, _children = campaign.copy_cluster(exclude_fields=NOT_COPIED)
        copy.title, copy.slug, copy.status, copy.owner = title, slug, Campaign.Status.DRAFT, owner or campaign.owner
        copy.save()
        copy.segments.set(campaign.segments.all())
    return copy
