"""The email telling an ambassador they reached a new tier.

The recompute queues one ``TierEmail`` per ambassador who climbed to a tier they never reached before (never for
the lowest tier, never when falling). ``tier_emails_send`` then, set-based, skips those who may not be contacted
(opted out, no consent, address bouncing or paused) and those already contacted ``CONTACT_CAP_COUNT`` times in
the last ``CONTACT_CAP_DAYS`` days (any email: ``campaigns.audience.fatigue``), and sends the others in chunks over one
SMTP connection each. The unsubscribe link and headers are those of the ambassador's latest invitation."""

import itertools
import logging
from types import SimpleNamespace

from django.conf import settings
from django.core import mail
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from campaigns.audience.fatigue import cap_window_start, contacts_log, contacts_since, preferences_url
from campaigns.audience.segments import contactable_ambassadors
from campaigns.models import ContactLog, Invitation, TierEmail
from campaigns.sending.emails import ambassador_email, connection_close, personal_links, single_line

CHUNK_SIZE = 500
log = logging.getLogger("campaigns.engagement")


def _skip(queryset, reason):
    return TierEmail.objects.filter(pk__in=Subquery(queryset.values("pk"))).update(
        status=TierEmail.Status.SKIPPED, skip_reason=reason, sent_at=None
    )


def tier_emails_skip(now):
    """Skip, in a few statements, the queued emails that must not go. Returns {reason: count}."""
    queued = TierEmail.objects.filter(status=TierEmail.Status.QUEUED)
    reasons = TierEmail.SkipReason
    skipped = {
        reasons.NOT_CONTACTABLE: _skip(
            queued.exclude(ambassador__in=contactable_ambassadors()), reasons.NOT_CONTACTABLE
        )
    }
    linked = Exists(Invitation.objects.filter(ambassador=OuterRef("ambassador_id"), withdrawn_at__isnull=True))
    skipped[reasons.NO_LINK] = _skip(queued.exclude(linked), reasons.NO_LINK)
    if settings.CONTACT_CAP_COUNT:
        capped = queued.annotate(recent=contacts_since(cap_window_start(now), OuterRef("ambassador_id"))).filter(
            recent__gte=settings.CONTACT_CAP_COUNT
        )
        skipped[reasons.FREQUENCY_CAP] = _skip(capped, reasons.FREQUENCY_CAP)
    return skipped


def _text(*, greeting, lines, link, unsubscribe, preferences):
    parts = [
        greeting,
        *lines,
        _("Voir les campagnes : %(link)s") % {"link": link},
        "--\n"
        + _("Vous recevez cet e-mail parce que vous participez au programme des ambassadeurs.")
        + "\n"
        + _("Choisir la fréquence de nos e-mails : %(link)s") % {"link": preferences}
        + "\n"
        + _("Ne plus recevoir nos e-mails : %(link)s") % {"link": unsubscribe},
    ]
    return "\n\n".join(parts) + "\n"


def _html(*, locale, subject, greeting, lines, link, unsubscribe, preferences):
    return format_html(
        '<!DOCTYPE html>\n<html lang="{locale}">\n<head><meta charset="utf-8"><title>{subject}</title></head>\n'
        '<body style="margin:0;padding:24px 12px;background:#f4f6f8;font-family:Arial,Helvetica,sans-serif;'
        'color:#14213d;">\n<div style="max-width:600px;margin:0 auto;background:#ffffff;border-radius:6px;'
        'padding:24px;font-size:16px;line-height:1.5;">\n<p>{greeting}</p>\n{lines}\n'
        '<p style="margin:28px 0;text-align:center;"><a href="{link}" style="background:#00695c;color:#ffffff;'
        'text-decoration:none;padding:14px 28px;border-radius:4px;font-weight:bold;display:inline-block;">'
        "{link_label}</a></p>\n"
        '<p style="font-size:12px;color:#5c6270;border-top:1px solid #e3e6ea;padding-top:16px;">{reason}<br>\n'
        '<a href="{preferences}" style="color:#5c6270;">{choose}</a><br>\n'
        '<a href="{unsubscribe}" style="color:#5c6270;">{stop}</a></p>\n</div>\n</body>\n</html>\n',
        locale=locale,
        subject=subject,
        greeting=greeting,
        lines=format_html_join("\n", "<p>{}</p>", ((line,) for line in lines)),
        link=link,
        link_label=_("Voir les campagnes"),
        reason=_("Vous recevez cet e-mail parce que vous participez au programme des ambassadeurs."),
        unsubscribe=unsubscribe,
        preferences=preferences,
        choose=_("Choisir la fréquence de nos e-mails"),
        stop=_("Ne plus recevoir nos e-mails"),
    )


def tier_message(notice, token):
    """The email to ``notice``'s ambassador (with its tier), unsubscribing through the invitation ``token``."""
    ambassador = notice.ambassador
    locale = ambassador.locale if ambassador.locale in ("fr", "en") else "fr"
    links = personal_links(token)
    with translation.override(locale):
        tier = notice.tier.name(locale)
        subject = _("Vous êtes désormais %(tier)s") % {"tier": tier}
        parts = {
            "greeting": _("Bonjour %(name)s,") % {"name": single_line(ambassador.first_name) or _("Madame, Monsieur")},
            "lines": [
                _(
                    "Merci pour vos idées, vos votes et vos réponses : vous atteignez le palier « %(tier)s » du "
                    "programme des ambassadeurs."
                )
                % {"tier": tier},
                _("Certaines campagnes vous seront désormais ouvertes en avant-première."),
            ],
            "link": settings.SITE_URL + "/",
            "unsubscribe": links["unsubscribe"],
            "preferences": preferences_url(token),
        }
        message = ambassador_email(
            invitation=SimpleNamespace(token=token, ambassador=ambassador),
            subject=subject,
            text=_text(**parts),
            html=_html(locale=locale, subject=subject, **parts),
            locale=locale,
        )
    message.metadata = {"tier_email": str(notice.pk)}
    return message


def tier_emails_send(*, now=None, chunk_size=CHUNK_SIZE):
    """Send the queued tier emails that may go. Returns {"sent", "failed", "skipped"}."""
    now = now or timezone.now()
    skipped = sum(tier_emails_skip(now).values())
    latest_token = Subquery(
        Invitation.objects.filter(ambassador=OuterRef("ambassador_id"), withdrawn_at__isnull=True)
        .order_by("-created_at", "-pk")
        .values("token")[:1]
    )
    queued = (
        TierEmail.objects.filter(status=TierEmail.Status.QUEUED)
        .select_related("ambassador", "tier")
        .annotate(token=latest_token)
        .order_by("pk")
        .iterator(chunk_size=chunk_size)
    )
    outcome = {"sent": 0, "failed": 0, "skipped": skipped}
    while chunk := list(itertools.islice(queued, chunk_size)):
        sent, failed = _chunk_send(chunk)
        TierEmail.objects.filter(pk__in=sent).update(status=TierEmail.Status.SENT, sent_at=now)
        contacts_log([notice.ambassador_id for notice in chunk if notice.pk in sent], ContactLog.Kind.TIER, now=now)
        TierEmail.objects.filter(pk__in=failed).update(
            status=TierEmail.Status.SKIPPED, skip_reason=TierEmail.SkipReason.FAILED
        )
        outcome["sent"] += len(sent)
        outcome["failed"] += len(failed)
    return outcome


def _chunk_send(chunk):
    """Send a chunk of tier emails over one connection: ({sent pks}, [failed pks])."""
    backend, sent, failed = mail.get_connection(), set(), []
    try:
        for notice in chunk:
            try:
                backend.open()  # a no-op while open; reconnects after a failure closed it
                backend.send_messages([tier_message(notice, notice.token)])
            except Exception as exc:  # noqa: BLE001 - one refused address must not stop the others
                failed.append(notice.pk)
                log.warning("tier email failed", extra={"to": notice.ambassador.email, "error": repr(exc)[:300]})
                connection_close(backend)
            else:
                sent.add(notice.pk)
    finally:
        connection_close(backend)
    return sent, failed
