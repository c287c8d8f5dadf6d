"""Invitation and reminder emails: placeholders, the text and HTML parts, and the headers.

Every message carries the ambassador's personal link, an open pixel, a visible unsubscribe link and the
one-click unsubscribe headers of RFC 8058. Texts are written by staff; they are escaped in the HTML part.
"""

import re
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

PLACEHOLDERS = {
    "prenom": "first_name", "first_name": "first_name",
    "campagne": "campaign", "campaign": "campaign",
    "lien": "link", "link": "link",
    "date_cloture": "closing_date", "closing_date": "closing_date",
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def unknown_placeholders(text):
    return sorted({name for name in PLACEHOLDER.findall(text or "") if name not in PLACEHOLDERS})


def fill(text, values):
    return PLACEHOLDER.sub(lambda m: values[PLACEHOLDERS[m.group(1)]] if m.group(1) in PLACEHOLDERS else m.group(0), text)


def site_url(path):
    return f"{settings.SITE_URL}{path}"


def personal_links(token):
    return {
        "link": site_url(reverse("campaigns:personal_link", args=[token])),
        "pixel": site_url(reverse("campaigns:open_pixel", args=[token])),
        "unsubscribe": site_url(reverse("campaigns:unsubscribe", args=[token])),
    }


def template_for(source, locale):
    """(subject, body) of ``source`` (a campaign or a reminder) in ``locale``, French when English is missing."""
    if locale == "en" and source.subject_en.strip() and source.body_en.strip():
        return source.subject_en, source.body_en
    return source.subject_fr, source.body_fr


def build_message(*, source, campaign, ambassador, token, metadata=None):
    """The email for one ambassador: ``source`` holds the texts (the campaign itself, or one of its reminders)."""
    locale = ambassador.locale if ambassador.locale in ("fr", "en") else "fr"
    subject, body = template_for(source, locale)
    links = personal_links(token)
    with translation.override(locale):
        closing = formats.date_format(timezone.localtime(campaign.closes_at), "DATE_FORMAT") if campaign.closes_at else ""
        values = {"first_name": ambassador.first_name or _("Madame, Monsieur"), "campaign": campaign.title,
                  "link": links["link"], "closing_date": closing}
        text_body = fill(body, values)
        escaped = {key: escape(value) for key, value in values.items()}
        escaped["link"] = f'<a href="{escape(links["link"])}">{escape(links["link"])}</a>'
        html_body = mark_safe(linebreaks(fill(escape(body), escaped)))
        context = {"campaign": campaign, "ambassador": ambassador, "links": links, "text_body": text_body,
                   "html_body": html_body, "link_in_body": "{lien}" in body or "{link}" in body}
        text = render_to_string("campaigns/email/invitation.txt", context)
        html = render_to_string("campaigns/email/invitation.html", context)
    message = EmailMultiAlternatives(
        subject=fill(subject, values).replace("\n", " ").strip(),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[ambassador.email],
        reply_to=[campaign.reply_to] if campaign.reply_to else None,
        headers={
            "Message-ID": make_msgid(domain=urlsplit(settings.SITE_URL).hostname),
            "List-Unsubscribe": f"<{links['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    message.metadata = metadata or {}  # read by django-anymail's backends, ignored by the others
    return message
