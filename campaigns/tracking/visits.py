"""An ambassador who followed their personal link stays identified for the visit by a signed cookie holding
their invitation (no account, no database write, no personal data in the cookie)."""

from functools import lru_cache

from django.conf import settings
from django.core import signing

from campaigns.models import Invitation
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
        pk = request.get_signed_cookie(COOKIE, salt=SALT, max_age=MAX_AGE)
    except (KeyError, signing.BadSignature, ValueError):
        return None
    invitation = Invitation.objects.select_related("campaign", "ambassador", *related).filter(pk=pk).first()
    if invitation is None or link_state(invitation) or (campaign is not None and invitation.campaign_id != campaign.pk):
        return None
    return invitation


def staff_visitor(request):
    """Whether the request comes from a signed-in account: a staff member (ambassadors have no account) reading
    the outbox, previewing an email or following its links, whose opens and clicks are never counted. The
    session is read only when its cookie came (the pixel and the link stay fast for everyone else)."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated
