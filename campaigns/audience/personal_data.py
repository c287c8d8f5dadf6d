"""What the service holds on one ambassador, given back as one JSON document, or erased on request (GDPR
articles 15 and 17).

``campaigns`` knows its own data (identity, attributes, products, tags, lists, invitations); the apps that keep
more (surveys, ideas) register a section here in their AppConfig.ready: ``register(name, export, erase)``.

Erasure removes the identity and everything that describes the person; what they contributed (answers, ideas,
comments, votes) stays, de-identified, so results and boards keep their meaning. The ambassador row remains as
a blank stub with ``erased_at`` set: opted out, with an address that cannot receive email, so they are never
contacted again, and their personal links stop working."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from campaigns.audit import trail
from campaigns.models import Ambassador, AmbassadorProduct, AmbassadorTag, Invitation, SegmentMember


@dataclass(frozen=True)
class Section:
    name: str
    export: object  # callable(ambassador) -> JSON-serialisable value
    erase: object = None  # callable(ambassador, now): de-identify or delete what this app keeps


_sections = {}


def register(name, export, erase=None):
    _sections[name] = Section(name, export, erase)


def iso(value):
    """A date or a moment as ISO 8601 text, for the JSON document (None stays None)."""
    return value.isoformat() if value else None


INVITATION_FIELDS = [
    "campaign__title",
    "status",
    "sent_at",
    "first_opened_at",
    "open_count",
    "first_clicked_at",
    "click_count",
    "responded_at",
    "unsubscribed_at",
    "withdrawn_at",
]
IDENTITY_FIELDS = ["email", "first_name", "last_name", "locale", "region", "age_band"]
DATE_FIELDS = ["customer_since", "consent_at", "opted_out_at", "email_bounced_at", "email_paused_at", "created_at"]


def ambassador_export(ambassador):
    """Everything held on ``ambassador``, as a dict ready for JSON (a few queries per section)."""
    invitations = Invitation.objects.filter(ambassador=ambassador).order_by("pk").values(*INVITATION_FIELDS)
    document = {
        "ambassador": {
            **{name: getattr(ambassador, name) for name in IDENTITY_FIELDS},
            **{name: iso(getattr(ambassador, name)) for name in DATE_FIELDS},
            "products": list(ambassador.products.values_list("name", flat=True)),
            "tags": list(ambassador.tags.values_list("name", flat=True)),
            "lists": list(SegmentMember.objects.filter(ambassador=ambassador).values_list("segment__name", flat=True)),
        },
        "invitations": [
            {key: iso(value) if hasattr(value, "isoformat") else value for key, value in row.items()}
            for row in invitations
        ],
    }
    for section in _sections.values():
        document[section.name] = section.export(ambassador)
    trail.audit_record(trail.PERSONAL_DATA_EXPORT, target=ambassador)
    return document


def ambassador_erase(ambassador, *, now=None):
    """Erase ``ambassador``'s identity (see the module's docstring), at once and all together. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        for section in _sections.values():
            if section.erase:
                section.erase(ambassador, now)
        AmbassadorProduct.objects.filter(ambassador=ambassador).delete()
        AmbassadorTag.objects.filter(ambassador=ambassador).delete()
        SegmentMember.objects.filter(ambassador=ambassador).delete()
        Invitation.objects.filter(ambassador=ambassador, withdrawn_at__isnull=True).update(withdrawn_at=now)
        Ambassador.objects.filter(pk=ambassador.pk).update(
            email=f"erased-{ambassador.pk}@erased.invalid",
            first_name="",
            last_name="",
            region="",
            age_band="",
            customer_since=None,
            consent_at=None,
            opted_out_at=ambassador.opted_out_at or now,
            erased_at=ambassador.erased_at or now,
        )
        trail.audit_record(trail.ERASE, target=ambassador)
    ambassador.refresh_from_db()
    return ambassador
