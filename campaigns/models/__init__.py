"""The campaigns app's models, one module per concern; imported from here (``from campaigns.models import
Invitation``)."""

from campaigns.models.audience import (
    AgeBand,
    Ambassador,
    AmbassadorImport,
    AmbassadorProduct,
    AmbassadorTag,
    Locale,
    Product,
    Region,
    Segment,
    SegmentMember,
    SegmentRule,
    Tag,
)
from campaigns.models.audit import AuditEntry
from campaigns.models.campaigns import Campaign, EmailTemplate, Reminder, SubjectTestMetric, SubjectVariant
from campaigns.models.delivery import Delivery, Invitation, ReminderDelivery
from campaigns.models.outbox import OutboxMessage

__all__ = [
    "AgeBand",
    "Ambassador",
    "AmbassadorImport",
    "AmbassadorProduct",
    "AmbassadorTag",
    "AuditEntry",
    "Campaign",
    "Delivery",
    "EmailTemplate",
    "Invitation",
    "Locale",
    "OutboxMessage",
    "Product",
    "Region",
    "Reminder",
    "ReminderDelivery",
    "Segment",
    "SegmentMember",
    "SegmentRule",
    "SubjectTestMetric",
    "SubjectVariant",
    "Tag",
]
