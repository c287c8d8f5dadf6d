"""Segments and their sizes, through the privacy layer (``campaigns.privacy.segment_counts``)."""

from ninja import Router

from api.auth import require
from api.schemas import ErrorOut, SegmentOut
from campaigns.audience.segments import segment_members
from campaigns.models import Segment
from campaigns.privacy.segment_counts import segment_size

router = Router(tags=["segments"])


@router.get("/segments", response={200: list[SegmentOut], 403: ErrorOut})
def segments_list(request):
    """Every segment with its number of contactable ambassadors: exact for roles that may read identities,
    otherwise rounded to a multiple of k, or null under k."""
    require(request, "campaigns.view_segment")
    found = []
    for segment in Segment.objects.prefetch_related("rules"):
        size, label = segment_size(segment_members(segment).count(), request.auth.user)
        found.append({"id": segment.pk, "name": segment.name, "kind": segment.kind, "size": size, "size_label": label})
    return found
