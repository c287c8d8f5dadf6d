"""Opting out: the one write that stops all contact with an ambassador, whoever asks for it."""

from django.utils import timezone

from campaigns.models import Ambassador


def ambassadors_opt_out(ambassador_ids, *, when=None):
    """Record an opt-out on ambassadors not already opted out (the first date is kept). Returns how many changed."""
    return Ambassador.objects.filter(pk__in=list(ambassador_ids), opted_out_at__isnull=True).update(
        opted_out_at=when or timezone.now()
    )
