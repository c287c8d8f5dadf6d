"""Emails that close the loop on an idea: its status changed (to its author and every ambassador who voted for
it), or it was merged with a duplicate (to both authors).

Who is emailed: ambassadors still contactable by the campaigns' rules (consent given, not opted out, address not
bouncing) who hold an invitation to the idea's campaign that was not withdrawn; each once, however many ways
they are concerned (the author who also voted gets the author's email). The invitation gives the one-click
unsubscribe link and headers, as on the invitation email itself.

Each email is in the ambassador's language (French, or English), the official answer too when the team wrote
one in English (French otherwise). Texts are staff's and ambassadors': escaped in the HTML part.

Recipients are read in one query, streamed, and sent ``CHUNK_SIZE`` per SMTP connection: memory stays flat
whatever the number of voters. A recipient the server refuses is logged and skipped; the others still get
theirs. Nothing is retried (a retried task would email again those already reached)."""

import itertools
import logging

from django.conf import settings
from django.core import mail
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from campaigns.audience.fatigue import contacts_log, preferences_url, weekly_readers
from campaigns.audience.segments import contactable_ambassadors
from campaigns.models import ContactLog, Invitation
from campaigns.sending.emails import ambassador_email, connection_close, personal_links, single_line
from ideas.models import Idea, StatusChange, Vote

CHUNK_SIZE = 500
log = logging.getLogger("ideas.notifications")


def idea_url(campaign_slug, idea_id):
    """The absolute address of an idea's public page."""
    return settings.SITE_URL + reverse("ideas:idea", args=[campaign_slug, idea_id])


def _locale(ambassador):
    return ambassador.locale if ambassador.locale in ("fr", "en") else "fr"


def reachable_invitations(campaign_id, concerned):
    """Invitations to the campaign, not withdrawn, of contactable ambassadors matching ``concerned`` (a condition
    on Invitation), in id order, with their ambassador. One per ambassador (an invitation is unique per campaign
    and ambassador), so nobody is counted twice."""
    return (
        Invitation.objects.filter(
            concerned, campaign_id=campaign_id, withdrawn_at__isnull=True, ambassador__in=contactable_ambassadors()
        )
        .select_related("ambassador")
        .order_by("pk")
    )


def status_change_recipients(change):
    """Invitations of the idea's ambassador author and of its voters who may be emailed about ``change``."""
    idea = change.idea
    concerned = Q(Exists(Vote.objects.filter(idea_id=idea.pk, ambassador_id=OuterRef("ambassador_id"))))
    if idea.author_id:
        concerned |= Q(ambassador_id=idea.author_id)
    return reachable_invitations(idea.campaign_id, concerned).exclude(ambassador_id__in=weekly_readers())


def _text(*, greeting, lines, answer, link, reason, unsubscribe, preferences):
    answer_heading = _("La réponse de l'équipe :")
    parts = [
        greeting,
        *lines,
        f"{answer_heading}\n{answer}" if answer else "",
        _("Voir l'idée : %(link)s") % {"link": link},
        "--\n"
        + reason
        + "\n"
        + _("Choisir la fréquence de nos e-mails : %(link)s") % {"link": preferences}
        + "\n"
        + _("Ne plus recevoir nos e-mails : %(link)s") % {"link": unsubscribe},
    ]
    return "\n\n".join(part for part in parts if part) + "\n"


def _answer_html(answer):
    if not answer:
        return ""
    return format_html(
        '<p style="margin:16px 0 4px;font-weight:bold;">{}</p>'
        '<div style="border-left:4px solid #00695c;padding:4px 16px;">{}</div>',
        _("La réponse de l'équipe :"),
        mark_safe(linebreaks(escape(answer))),
    )


def _html(*, locale, subject, greeting, lines, answer, link, reason, unsubscribe, preferences):
    return format_html(
        '<!DOCTYPE html>\n<html lang="{locale}">\n<head><meta charset="utf-8"><title>{subject}</title></head>\n'
        '<body style="margin:0;padding:24px 12px;background:#f4f6f8;font-family:Arial,Helvetica,sans-serif;'
        'color:#14213d;">\n<div style="max-width:600px;margin:0 auto;background:#ffffff;border-radius:6px;'
        'padding:24px;font-size:16px;line-height:1.5;">\n<p>{greeting}</p>\n{lines}\n{answer}\n'
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
        answer=_answer_html(answer),
        preferences=preferences,
        choose=_("Choisir la fréquence de nos e-mails"),
        link=link,
        link_label=_("Voir l'idée"),
        reason=reason,
        unsubscribe=unsubscribe,
        stop=_("Ne plus recevoir nos e-mails"),
    )


def _email(*, invitation, locale, subject, lines, link, reason, reply_to, answer=""):
    """The email to one ambassador, both parts; called under ``translation.override(locale)``."""
    name = single_line(invitation.ambassador.first_name) or _("Madame, Monsieur")
    parts = {
        "greeting": _("Bonjour %(name)s,") % {"name": name},
        "lines": lines,
        "answer": answer,
        "link": link,
        "reason": reason,
        "unsubscribe": personal_links(invitation.token)["unsubscribe"],
        "preferences": preferences_url(invitation.token),
    }
    message = ambassador_email(
        invitation=invitation,
        subject=subject,
        text=_text(**parts),
        html=_html(locale=locale, subject=subject, **parts),
        locale=locale,
        reply_to=reply_to,
    )
    message.ambassador_id = invitation.ambassador_id  # logged once sent: every email counts towards the cap
    return message


def status_change_message(change, invitation):
    """The email telling one ambassador (through their invitation to the campaign) about ``change``. ``change``
    comes with its idea and the idea's campaign."""
    idea = change.idea
    locale = _locale(invitation.ambassador)
    with translation.override(locale):
        values = {"title": idea.title, "status": str(Idea.Status(change.to_status).label)}
        if invitation.ambassador_id == idea.author_id:
            subject = _("Votre idée « %(title)s » : %(status)s") % values
            news = _("Votre idée « %(title)s » passe au statut « %(status)s ».") % values
            reason = _("Vous recevez cet e-mail parce que vous avez proposé cette idée.")
        else:
            subject = _("Une idée que vous soutenez, « %(title)s » : %(status)s") % values
            news = _("L'idée « %(title)s », pour laquelle vous avez voté, passe au statut « %(status)s ».") % values
            reason = _("Vous recevez cet e-mail parce que vous avez voté pour cette idée.")
        message = _email(
            invitation=invitation,
            locale=locale,
            subject=subject,
            lines=[news],
            answer=change.answer(locale),
            link=idea_url(idea.campaign.slug, idea.pk),
            reason=reason,
            reply_to=idea.campaign.reply_to,
        )
    message.metadata = {"idea": str(idea.pk), "status_change": str(change.pk)}  # for django-anymail's backends
    return message


def merge_message(source, target, invitation):
    """The email telling one author that ``source`` was merged into ``target``: the source's author that their
    idea joined the target, the target's author that another idea joined theirs."""
    locale = _locale(invitation.ambassador)
    with translation.override(locale):
        values = {"source": source.title, "target": target.title}
        if invitation.ambassador_id == source.author_id:
            subject = _("Votre idée « %(source)s » a rejoint « %(target)s »") % values
            lines = [
                _("Votre idée « %(source)s » disait la même chose que « %(target)s » : l'équipe les a réunies.")
                % values,
                _(
                    "Les votes et les commentaires de votre idée sont désormais sur « %(target)s », chaque "
                    "ambassadeur n'y comptant qu'une fois."
                )
                % values,
            ]
        else:
            subject = _("Une idée a rejoint la vôtre, « %(target)s »") % values
            lines = [
                _("L'idée « %(source)s » disait la même chose que la vôtre, « %(target)s » : l'équipe les a réunies.")
                % values,
                _("Ses votes et ses commentaires s'ajoutent aux vôtres, chaque ambassadeur n'y comptant qu'une fois."),
            ]
        message = _email(
            invitation=invitation,
            locale=locale,
            subject=subject,
            lines=lines,
            link=idea_url(target.campaign.slug, target.pk),
            reason=_("Vous recevez cet e-mail parce que vous avez proposé cette idée."),
            reply_to=target.campaign.reply_to,
        )
    message.metadata = {"idea": str(target.pk), "merged": str(source.pk)}
    return message


def emails_send(messages, *, chunk_size=CHUNK_SIZE, kind=ContactLog.Kind.IDEA_NEWS):
    """Send ``messages`` (any iterable, consumed lazily) over one connection per ``chunk_size`` of them. A message
    that fails is logged and counted; the others still go. Returns {"sent": n, "failed": n}."""
    outcome, reached = {"sent": 0, "failed": 0}, []
    messages = iter(messages)
    while chunk := list(itertools.islice(messages, chunk_size)):
        backend = mail.get_connection()
        try:
            for message in chunk:
                try:
                    backend.open()  # a no-op while open; reconnects after a failure closed it
                    backend.send_messages([message])
                except Exception as exc:  # noqa: BLE001 - one refused address must not stop the others
                    outcome["failed"] += 1
                    log.warning("idea notification failed", extra={"to": message.to, "error": repr(exc)[:300]})
                    connection_close(backend)
                else:
                    outcome["sent"] += 1
                    reached.append(getattr(message, "ambassador_id", None))
        finally:
            connection_close(backend)
            contacts_log([pk for pk in reached if pk], kind)
            reached = []
    return outcome


def status_change_notify(change_id, *, chunk_size=CHUNK_SIZE):
    """Email the author and the voters of the idea about one status change. Returns {"sent", "failed"}."""
    change = StatusChange.objects.select_related("idea__campaign").filter(pk=change_id).first()
    if change is None:  # the idea was deleted meanwhile
        return {"sent": 0, "failed": 0}
    invitations = status_change_recipients(change).iterator(chunk_size=chunk_size)
    return emails_send((status_change_message(change, invitation) for invitation in invitations), chunk_size=chunk_size)


def merge_notify(source_id, target_id):
    """Email the ambassador authors of a merged idea and of the idea it joined (once if they are the same
    ambassador: the source's email). Returns {"sent", "failed"}."""
    ideas = Idea.objects.select_related("campaign").in_bulk([source_id, target_id])
    source, target = ideas.get(source_id), ideas.get(target_id)
    if source is None or target is None:
        return {"sent": 0, "failed": 0}
    authors = [author for author in (source.author_id, target.author_id) if author]
    if not authors:
        return {"sent": 0, "failed": 0}
    invitations = reachable_invitations(source.campaign_id, Q(ambassador_id__in=authors))
    return emails_send(merge_message(source, target, invitation) for invitation in invitations)
