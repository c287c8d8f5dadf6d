"""What the programme keeps on an ambassador, in their personal-data file and removed by their erasure: score,
tier and history, tier emails, contact preference and the log of emails sent."""

from django.utils.translation import gettext as _

from campaigns.audience.personal_data import iso
from campaigns.models import ContactLog, ContactPreference, EngagementHistory, EngagementScore, TierEmail


def programme_export(ambassador):
    score = EngagementScore.objects.select_related("tier").filter(ambassador=ambassador).first()
    preference = ContactPreference.objects.filter(ambassador=ambassador).first()
    return {
        "score": score.score if score else 0,
        "tier": score.tier.name_fr if score and score.tier else None,
        "history": [
            {"at": iso(at), "score": points, "tier": tier}
            for at, points, tier in EngagementHistory.objects.filter(ambassador=ambassador)
            .order_by("recorded_at")
            .values_list("recorded_at", "score", "tier__name_fr")
        ],
        "tier_emails": [
            {"tier": tier, "status": status, "sent_at": iso(sent_at)}
            for tier, status, sent_at in TierEmail.objects.filter(ambassador=ambassador)
            .order_by("pk")
            .values_list("tier__name_fr", "status", "sent_at")
        ],
        "idea_news": preference.idea_news if preference else None,
        "emails_sent": [
            {"kind": kind, "at": iso(at)}
            for kind, at in ContactLog.objects.filter(ambassador=ambassador)
            .order_by("sent_at")
            .values_list("kind", "sent_at")
        ],
    }


def programme_erase(ambassador, now):
    removed = 0
    for model in (EngagementHistory, EngagementScore, TierEmail, ContactPreference, ContactLog):
        removed += model.objects.filter(ambassador=ambassador).delete()[0]
    return _("Programme : score, historique, préférences et journal des e-mails supprimés.") if removed else ""
