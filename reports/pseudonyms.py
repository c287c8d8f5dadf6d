"""How files and pages for readers who may not see ambassadors (analysts) name a person: by a pseudonym, the same
for one person throughout one campaign's report (their ideas, the top contributors), another in another campaign
(so two campaigns' files cannot be joined on it), drawn from a keyed hash no one can reverse without the
``SECRET_KEY``."""

import hashlib
import hmac

from django.conf import settings
from django.utils.translation import gettext as _


def pseudonym(campaign_id, ambassador_id):
    """ "Ambassadeur 3F9A0C21": ``ambassador_id``'s pseudonym in campaign ``campaign_id``."""
    key = f"pseudonym:{settings.SECRET_KEY}".encode()
    digest = hmac.new(key, f"{campaign_id}:{ambassador_id}".encode(), hashlib.sha256).hexdigest()
    return _("Ambassadeur %(code)s") % {"code": digest[:8].upper()}
