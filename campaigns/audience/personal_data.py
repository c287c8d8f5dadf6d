"""What the service holds on one ambassador, given back as one JSON document, or erased on request (GDPR
articles 15 and 17).

``campaigns`` knows its own data (identity, attributes, products, tags, lists, invitations); the apps that keep
more (surveys, ideas) register a section here in their AppConfig.ready: ``register(name, export, erase)``.

Erasure removes the identity and everything that describes the person; what they contributed (answers, ideas,
comments, votes) stays, de-identified, so results and boards keep their meaning. The ambassador row remains as
a blank stub with ``erased_at`` set: opted out, with an address that cannot receive email, so they are never
contacted again. It also removes the traces the person left elsewhere: the emails kept for them in the outbox
(address, subject, body), the labels of Wagtail's history (rewritten to name no one), their address in the
reports of past imports, their personal links (new tokens: the old links answer 404); the apps remove theirs
(reports: the export files of the campaigns the person took part in). Each step says what it did, in the
``Erasure`` returned. Logs name ids only (``config.log_format`` masks any address that reaches a line anyway)."""

import json
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from wagtail.models import ModelLogEntry

from campaigns.audience.imports.jobs import rejected_files_erase
from campaigns.audit import trail
from campaigns.database.tokens import token_sql
from campaigns.models import (
    Ambassador,
    AmbassadorImport,
    AmbassadorProduct,
    AmbassadorTag,
    Invitation,
    OutboxMessage,
    ReminderDelivery,
    SegmentMember,
    TrackingEvent,
    person_label,
)


@dataclass(frozen=True)
class Section:
    name: str
    export: object  # callable(ambassador) -> JSON-serialisable value, or None when the app keeps nothing to hand over
    # callable(ambassador, now): de-identify or delete what this app keeps; returns a sentence saying what it
    # removed (or "" / None when there was nothing to say)
    erase: object = None


@dataclass
class Erasure:
    """What an erasure did: the erased ambassador, and one sentence per kind of trace removed."""

    ambassador: Ambassador
    done: list = field(default_factory=list)


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
EVENT_FIELDS = ["invitation__campaign__title", "kind", "at", "verdict", "reason", "agent", "network"]
IDENTITY_FIELDS = ["email", "external_id", "first_name", "last_name", "locale", "region", "age_band"]
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
    events = TrackingEvent.objects.filter(invitation__ambassador=ambassador).order_by("pk").values(*EVENT_FIELDS)
    document["tracking_events"] = [
        {key: iso(value) if key == "at" else value for key, value in row.items()} for row in events
    ]
    for section in _sections.values():
        if section.export:
            document[section.name] = section.export(ambassador)
    trail.audit_record(trail.PERSONAL_DATA_EXPORT, target=ambassador)
    return document


def outbox_erase(ambassador):
    """Delete the emails kept in the outbox for ``ambassador`` (any message with their address among its
    recipients); returns how many."""
    address = ambassador.email.lower()
    candidates = OutboxMessage.objects.filter(to__icontains=address).values_list("pk", "to")
    mine = [pk for pk, to in candidates if address in {part.strip().lower() for part in to.split(",")}]
    return OutboxMessage.objects.filter(pk__in=mine).delete()[0]


def history_relabel(ambassador):
    """Rewrite the labels of Wagtail's history of the ambassador and of their invitations and reminders (written
    before labels named no one, or by code that passed its own title) to ``person_label``: one query per model,
    then one per row that has entries (rare)."""
    invitations = Invitation.objects.filter(ambassador=ambassador)
    rows = [[ambassador], invitations, ReminderDelivery.objects.filter(invitation__in=invitations)]
    for instances in rows:
        by_pk = {str(instance.pk): instance for instance in instances}
        if not by_pk:
            continue
        content_type = ContentType.objects.get_for_model(next(iter(by_pk.values())), for_concrete_model=False)
        entries = ModelLogEntry.objects.filter(content_type=content_type, object_id__in=list(by_pk))
        for object_id in set(entries.values_list("object_id", flat=True)):
            entries.filter(object_id=object_id).update(label=str(person_label(by_pk[object_id])))


def imports_scrub(ambassador):
    """Blank the ambassador's address in the reports of past imports (a rejected row names its address: "x is
    already an ambassador"), and delete the files of rejected rows that name it; returns how many reports were
    changed. Imports are few: read in Python."""
    address, hidden = ambassador.email.lower(), gettext("[adresse effacée]")
    changed = 0
    for job in AmbassadorImport.objects.exclude(errors=[]).only("pk", "errors").iterator(chunk_size=200):
        text = json.dumps(job.errors, ensure_ascii=False)
        if address in text.lower():
            scrubbed = re.sub(re.escape(address), hidden, text, flags=re.IGNORECASE)
            AmbassadorImport.objects.filter(pk=job.pk).update(errors=json.loads(scrubbed))
            changed += 1
    rejected_files_erase(address)
    return changed


def tokens_renew(ambassador):
    """New tokens for the ambassador's invitations: their old personal and unsubscribe links answer 404."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Invitation._meta.db_table} SET token = {token_sql()} WHERE ambassador_id = %s", [ambassador.pk]
        )
        return cursor.rowcount


def traces_erase(ambassador):
    """The traces the person left beyond their own rows (see the module's docstring): sentences saying what went."""
    emails, links = outbox_erase(ambassador), tokens_renew(ambassador)
    history_relabel(ambassador)
    imports_scrub(ambassador)
    done = [
        ngettext(
            "%(count)s e-mail de la boîte d'envoi supprimé", "%(count)s e-mails de la boîte d'envoi supprimés", emails
        )
        % {"count": emails}
    ]
    done.append(
        ngettext(
            "%(count)s lien personnel renouvelé (l'ancien ne mène plus nulle part)",
            "%(count)s liens personnels renouvelés (les anciens ne mènent plus nulle part)",
            links,
        )
        % {"count": links}
    )
    return done


def ambassador_erase(ambassador, *, now=None):
    """Erase ``ambassador``'s identity and traces (see the module's docstring), at once and all together.
    Idempotent. Returns the ``Erasure``."""
    now = now or timezone.now()
    erasure = Erasure(ambassador)
    with transaction.atomic():
        for section in _sections.values():
            said = section.erase(ambassador, now) if section.erase else None
            if said:
                erasure.done.append(said)
        erasure.done.extend(traces_erase(ambassador))
        AmbassadorProduct.objects.filter(ambassador=ambassador).delete()
        AmbassadorTag.objects.filter(ambassador=ambassador).delete()
        SegmentMember.objects.filter(ambassador=ambassador).delete()
        Invitation.objects.filter(ambassador=ambassador, withdrawn_at__isnull=True).update(withdrawn_at=now)
        TrackingEvent.objects.filter(invitation__ambassador=ambassador).update(agent="", network="")
        Ambassador.objects.filter(pk=ambassador.pk).update(
            email=f"erased-{ambassador.pk}@erased.invalid",
            external_id=None,
            first_name="",
            last_name="",
            region="",
            age_band="",
            customer_since=None,
            consent_at=None,
            opted_out_at=ambassador.opted_out_at or now,
            erased_at=ambassador.erased_at or now,
        )
        trail.audit_record(trail.ERASE, target=ambassador, data={"effacé": erasure.done})
    ambassador.refresh_from_db()
    return erasure
