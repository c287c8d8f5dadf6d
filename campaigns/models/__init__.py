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
from campaigns.models.audit import PERSON_MODELS, AuditEntry, PersonLogEntry, person_label
from campaigns.models.campaigns import Campaign, EmailTemplate, Reminder, SubjectTestMetric, SubjectVariant
from campaigns.models.delivery import Delivery, Invitation, RateBucket, ReminderDelivery
from campaigns.models.engagement import EngagementHistory, EngagementRun, EngagementScore, Tier, TierEmail
from campaigns.models.fatigue import ContactLog, ContactPreference, IdeaNews
from campaigns.models.outbox import OutboxMessage
from campaigns.models.tracking import TrackingEvent

__all__ = [
    "PERSON_MODELS",
    "AgeBand",
    "Ambassador",
    "AmbassadorImport",
    "AmbassadorProduct",
    "AmbassadorTag",
    "AuditEntry",
    "Campaign",
    "ContactLog",
    "ContactPreference",
    "Delivery",
    "EmailTemplate",
    "EngagementHistory",
    "EngagementRun",
    "EngagementScore",
    "IdeaNews",
    "Invitation",
    "Locale",
    "OutboxMessage",
    "PersonLogEntry",
    "Product",
    "RateBucket",
    "Region",
    "Reminder",
    "ReminderDelivery",
    "Segment",
    "SegmentMember",
    "SegmentRule",
    "SubjectTestMetric",
    "SubjectVariant",
    "Tag",
    "Tier",
    "TierEmail",
    "TrackingEvent",
    "person_label",
]
