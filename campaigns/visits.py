"""An ambassador who followed their personal link stays identified for the visit by a signed cookie holding
their invitation (no account, no database write, no personal data in the cookie)."""

from django.core import signing

from campaigns.models import Invitation
from campaigns.tracking import link_state

COOKIE = "ambassador_visit"
SALT = "campaigns.visit"
MAX_AGE = 12 * 3600


def visit_start(request, response, invitation_id):
    response.set_signed_cookie(COOKIE, str(invitation_id), salt=SALT, max_age=MAX_AGE, httponly=True,
                               samesite="Lax", secure=request.is_secure())


def visiting_invitation(request, campaign=None):
    """The invitation of the ambassador visiting (for ``campaign`` when given) whose link still works, or None."""
    try:
        pk = request.get_signed_cookie(COOKIE, salt=SALT, max_age=MAX_AGE)
    except (KeyError, signing.BadSignature, ValueError):
        return None
    invitation = Invitation.objects.select_related("campaign", "ambassador").filter(pk=pk).first()
    if invitation is None or link_state(invitation) or (campaign is not None and invitation.campaign_id != campaign.pk):
        return None
    return invitation
