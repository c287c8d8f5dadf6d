"""An ambassador who followed their personal link stays identified for the visit by a signed cookie holding
their invitation (no account, no database write, no personal data in the cookie)."""

from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.db import connection

from campaigns.models import Ambassador, Campaign, Invitation
from campaigns.tracking.links import link_state

COOKIE = "ambassador_visit"
SALT = "campaigns.visit"
MAX_AGE = 12 * 3600


@lru_cache(maxsize=4)
def _signer(secret_key):  # keyed by the secret key, so that a new key (tests, rotation) gets its own signer
    return signing.get_cookie_signer(salt=COOKIE + SALT)


def visit_start(request, response, invitation_id):
    """The cookie ``set_signed_cookie`` would write (``get_signed_cookie`` reads it), with the signer built once
    per secret key rather than on every click: the personal link is a busy endpoint."""
    response.set_cookie(
        COOKIE,
        _signer(settings.SECRET_KEY).sign(str(invitation_id)),
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def visiting_invitation(request, campaign=None, *, related=()):
    """The invitation of the ambassador visiting (for ``campaign`` when given) whose link still works, or None.
    ``related``: more relations to read in the same query (an app's row beside the campaign), one query in all."""
    try:
        pk = int(request.get_signed_cookie(COOKIE, salt=SALT, max_age=MAX_AGE))
    except (KeyError, signing.BadSignature, ValueError):
        return None
    invitation = _invitation_read(pk, tuple(related))
    if invitation is None or link_state(invitation) or (campaign is not None and invitation.campaign_id != campaign.pk):
        return None
    return invitation


def staff_visitor(request):
    """Whether the request comes from a signed-in account: a staff member (ambassadors have no account) reading
    the outbox, previewing an email or following its links, whose opens and clicks are never counted. The
    session is read only when its cookie came (the pixel and the link stay fast for everyone else)."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


@lru_cache(maxsize=8)
def _visit_sql(related):
    """The query ``select_related("campaign", "ambassador", *related)`` would make for one invitation, written once:
    every step of an ambassador's visit reads it, and building it through the ORM cost more CPU than running it.
    ``related``: ``campaign__<one-to-one>`` (a row that points at the campaign, or none). Returns the SQL and, for
    each model read, (model, its fields' names, where its columns start)."""
    quote = connection.ops.quote_name
    tables = [
        (Invitation, "i", ""),
        (Campaign, "c", "c.id = i.campaign_id"),
        (Ambassador, "a", "a.id = i.ambassador_id"),
    ]
    for number, name in enumerate(related):
        relation = Campaign._meta.get_field(name.removeprefix("campaign__"))
        tables.append((relation.related_model, f"r{number}", f"r{number}.{quote(relation.field.column)} = c.id"))
    columns, layout, joins = [], [], []
    for model, alias, on in tables:
        fields = model._meta.concrete_fields
        layout.append((model, [field.attname for field in fields], len(columns)))
        columns += [f"{alias}.{quote(field.column)}" for field in fields]
        if on:
            joins.append(
                f"{'LEFT ' if alias.startswith('r') else ''}JOIN {quote(model._meta.db_table)} {alias} ON {on}"
            )
    sql = f"SELECT {', '.join(columns)} FROM {quote(Invitation._meta.db_table)} i {' '.join(joins)} WHERE i.id = %s"
    return sql, layout


def _invitation_read(pk, related):
    """The invitation ``pk`` with its campaign, ambassador and ``related`` rows, as select_related gives them."""
    sql, layout = _visit_sql(related)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    rows = []
    for model, names, start in layout:
        values = row[start : start + len(names)]
        rows.append(None if values[0] is None else model.from_db(connection.alias, names, values))
    invitation, campaign, ambassador, *others = rows
    invitation._state.fields_cache.update(campaign=campaign, ambassador=ambassador)
    for name, other in zip(related, others, strict=True):
        accessor = name.removeprefix("campaign__")
        campaign._state.fields_cache[accessor] = other
        if other is not None:
            other._state.fields_cache["campaign"] = campaign
    return invitation
