"""Ambassadors: bulk upsert through the import pipeline, opt-outs both ways (recorded from the CRM, read back)."""

import json
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from api.auth import require
from api.schemas import UPSERT_BODY, ErrorOut, OptOutOut, OptOutsIn, OptOutsRecorded, UpsertOut
from api.upsert import Concurrent, ambassadors_upsert
from campaigns.audience.imports.collector import collection_paused
from campaigns.audience.imports.files import ImportFileError
from campaigns.audience.opt_out import ambassadors_opt_out
from campaigns.models import Ambassador

router = Router(tags=["ambassadeurs"])


def _upsert_rows(request):
    """The rows of an upsert's body, parsed once (``json.loads``): only the envelope is checked here, an object
    whose ``ambassadors`` is a list of objects; each row's values are checked by the import like a file's cells."""
    try:
        body = json.loads(request.body)
    except ValueError:
        raise HttpError(422, _("Le corps de la requête n'est pas du JSON valide.")) from None
    rows = body.get("ambassadors") if isinstance(body, dict) else None
    if not isinstance(rows, list) or not set(map(type, rows)) <= {dict}:  # what json.loads makes of an object
        raise HttpError(422, _("Le corps doit être un objet dont « ambassadors » est une liste d'objets."))
    if len(rows) > settings.API_UPSERT_MAX_ROWS:
        raise HttpError(
            400,
            _("%(count)s lignes : %(limit)s au plus par appel (API_UPSERT_MAX_ROWS).")
            % {"count": len(rows), "limit": settings.API_UPSERT_MAX_ROWS},
        )
    return rows


@router.post(
    "/ambassadors/upsert",
    response={200: UpsertOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": UPSERT_BODY}}, "required": True}},
)
def upsert(request):
    """Create or update ambassadors by email or CRM id, as an import with *update* and *keep valid rows*: the
    valid rows are written, the others returned with their index, field and reason. Calling twice with the same
    rows changes nothing more. Calls may be sent at once; one that kept meeting others' writes to the same
    ambassadors is answered 409, with nothing written: send it again."""
    require(request, "campaigns.add_ambassador", "campaigns.change_ambassador")
    with collection_paused():  # the parsed rows are freed inside the pause: no reference to them is kept here
        try:
            return ambassadors_upsert(_upsert_rows(request), client=request.auth.key.name)
        except ImportFileError as exc:
            raise HttpError(400, str(exc)) from None
        except Concurrent:
            message = _(
                "D'autres appels simultanés modifient les mêmes ambassadeurs : rien n'a été écrit, renvoyez-le."
            )
            raise HttpError(409, message) from None


def _named(keys):
    """The condition matching the ambassadors named by email or CRM id in ``keys``."""
    emails = [key.email.strip().lower() for key in keys if key.email]
    external_ids = [key.external_id for key in keys if key.external_id and not key.email]
    return Q(email__in=emails) | Q(external_id__in=external_ids)


@router.post("/opt-outs", response={200: OptOutsRecorded, 403: ErrorOut})
def opt_outs_record(request, payload: OptOutsIn):
    """Record opt-outs the bank received elsewhere (by email or CRM id): those ambassadors are never contacted
    again. ``unknown`` lists the indexes of the entries that named no ambassador."""
    require(request, "campaigns.change_ambassador")
    found = Ambassador.objects.filter(_named(payload.ambassadors)).values_list("pk", "email", "external_id")
    ids, emails, external_ids = set(), set(), set()
    for pk, email, external_id in found:
        ids.add(pk)
        emails.add(email)
        external_ids.add(external_id)
    unknown = [
        index
        for index, key in enumerate(payload.ambassadors)
        if not (
            (key.email and key.email.strip().lower() in emails) or (key.external_id and key.external_id in external_ids)
        )
    ]
    return {"opted_out": ambassadors_opt_out(ids), "unknown": unknown}


@router.get("/opt-outs", response={200: list[OptOutOut], 403: ErrorOut})
def opt_outs_list(request, since: datetime, limit: int = 1000):
    """The opt-outs recorded since ``since`` (oldest first, ``limit`` at most 10,000), for the CRM to apply: page
    on by passing the last ``opted_out_at`` as the next ``since``."""
    require(request, "campaigns.view_ambassador")
    rows = (
        Ambassador.objects.filter(opted_out_at__gt=since, erased_at__isnull=True)
        .order_by("opted_out_at", "pk")
        .values("email", "external_id", "opted_out_at")[: max(1, min(limit, 10_000))]
    )
    return list(rows)
