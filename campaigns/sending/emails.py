"""Invitation and reminder emails: placeholders, the text and HTML parts, and the headers.

Every message carries the ambassador's personal link, an open pixel, a visible unsubscribe link and the
one-click unsubscribe headers of RFC 8058. Its HTML part also hides a decoy link (``/i/<token>/v/``) that no
person can see, reach with the keyboard or hear read out, and that the text part leaves out: only a security
scanner following every link fetches it (``campaigns.tracking.classify``). Texts are written by staff; they are
escaped in the HTML part.
Other apps write to ambassadors through ``ambassador_email`` (same headers, their own parts).
"""

import contextlib
import functools
import re
from dataclasses import dataclass
from email.charset import BASE64, Charset
from email.header import Header
from email.utils import formatdate, make_msgid
from html import unescape
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
    "prenom": "first_name",
    "first_name": "first_name",
    "campagne": "campaign",
    "campaign": "campaign",
    "lien": "link",
    "link": "link",
    "date_cloture": "closing_date",
    "closing_date": "closing_date",
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def unknown_placeholders(text):
    return sorted({name for name in PLACEHOLDER.findall(text or "") if name not in PLACEHOLDERS})


def fill(text, values):
    return PLACEHOLDER.sub(
        lambda m: values[PLACEHOLDERS[m.group(1)]] if m.group(1) in PLACEHOLDERS else m.group(0), text
    )


TOKEN_MARK = "f" * 64


@functools.cache
def _link_patterns(site):
    """The URLs of one invitation with a mark where the token goes: reversed once, not for every email."""
    return {
        name: site + reverse(f"campaigns:{view}", args=[TOKEN_MARK])
        for name, view in (
            ("link", "personal_link"),
            ("pixel", "open_pixel"),
            ("unsubscribe", "unsubscribe"),
            ("decoy", "decoy_link"),
        )
    }


def personal_links(token):
    return {name: pattern.replace(TOKEN_MARK, token) for name, pattern in _link_patterns(settings.SITE_URL).items()}


# The hidden decoy: out of the layout (display:none, which also keeps it out of the tab order and of the
# accessibility tree), hidden again for Outlook (mso-hide), and marked aria-hidden with tabindex -1 for mail
# programs that drop styles. Nothing to read inside it.
DECOY_HTML = (
    '<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;" aria-hidden="true">'
    '<a href="{url}" tabindex="-1" aria-hidden="true" style="display:none;">&#8203;</a></div>'
)


def decoy_html(token):
    return DECOY_HTML.format(url=escape(personal_links(token)["decoy"]))


@functools.cache
def _tracking_urls(site):
    """A pattern matching the pixel and decoy URLs of any token (the site's, or another host's)."""
    paths = [urlsplit(_link_patterns(site)[name]).path for name in ("pixel", "decoy")]
    return "|".join(re.escape(path).replace(TOKEN_MARK, "[0-9a-f]{64}") for path in paths)


def tracking_removed(html):
    """``html`` without its open pixel and decoy link: what staff see of an email (the outbox, a preview), which
    must count nothing."""
    urls = _tracking_urls(settings.SITE_URL)
    html = re.sub(rf"""<img\b[^>]*\bsrc=["'][^"']*(?:{urls})["'][^>]*>""", "", html, flags=re.IGNORECASE)
    return re.sub(rf"""<a\b[^>]*\bhref=["'][^"']*(?:{urls})["'][^>]*>.*?</a>""", "", html, flags=re.I | re.S)


LINK = re.compile(r"""<a\b([^>]*?)\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))([^>]*)>""", re.IGNORECASE)


def links_neutralised(html):
    """(``html`` with every link made inert, the links' addresses in order): what staff see of an email in the
    outbox or a preview. A click there neither leaves the frame (which would go blank) nor counts a click or an
    open; each link keeps its text and shows its address as a tooltip."""
    addresses = []

    def inert(match):
        address = unescape(match.group(2) or match.group(3) or match.group(4) or "")
        addresses.append(address)
        return f'<a{match.group(1)} title="{escape(address)}" aria-disabled="true" data-neutralised{match.group(5)}>'

    return LINK.sub(inert, html), addresses


BASE64_UTF8 = Charset("utf-8")
BASE64_UTF8.header_encoding = BASE64


def encoded_header(value):
    """A header value as RFC 2047 encoded words when it is not ASCII. Base64 straight away: the standard
    library's default weighs quoted-printable against base64 character by character, the costliest part of
    building a message with an accented subject."""
    if value.isascii():
        return value
    return Header(value, BASE64_UTF8, header_name="Subject").encode(linesep=" ")  # Django refuses newlines


@dataclass(frozen=True)
class SubjectTexts:
    """The texts of an invitation in a subject test: the subject of its variant, the body of its campaign."""

    subject_fr: str
    body_fr: str
    subject_en: str
    body_en: str


def subject_source(campaign, variant):
    """The texts of ``campaign``'s invitation under the subject of ``variant`` (a subject test's), or the campaign
    itself when ``variant`` is None."""
    if variant is None:
        return campaign
    return SubjectTexts(variant.subject_fr, campaign.body_fr, variant.subject_en, campaign.body_en)


def invitation_source(invitation):
    """What ``build_message`` takes as ``source`` for an invitation: its campaign, or, when the invitation has a
    subject of a subject test, the campaign's body under that subject."""
    return subject_source(invitation.campaign, invitation.subject_variant)


def language_for(texts, locale):
    """The one language an ambassador of ``locale`` reads ``texts`` (a campaign, a reminder) in: theirs when its
    email is written in it, French otherwise, so that no page or email mixes two languages (an English footer
    around French content, English dates in a French sentence)."""
    if locale == "en" and texts.subject_en.strip() and texts.body_en.strip():
        return "en"
    return "fr"


def template_for(source, locale):
    """(subject, body) of ``source`` (a campaign or a reminder) in ``locale``, French when English is missing."""
    if locale == "en" and source.subject_en.strip() and source.body_en.strip():
        return source.subject_en, source.body_en
    return source.subject_fr, source.body_fr


# Marks that stand for what differs between recipients: the first name as Unicode private-use characters
# (untouched by escaping; one for the text part, one for the HTML part, where it is escaped), the rest in ASCII
# (the token goes into headers too, and must fit the URL pattern).
FIRST_NAME_TEXT, FIRST_NAME_HTML, TOKEN = "\ue000", "\ue001", TOKEN_MARK
SUBJECT, TO, MESSAGE_ID, DATE = "subject-mark", "to-mark@invalid", "<message-id-mark@invalid>", "date-mark"
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@functools.lru_cache(maxsize=128)
def _skeleton(subject, body, title, closes_at, locale, site):
    """Subject, text and HTML of an email for every recipient of one text in one language, with marks where the
    first name and the token go: the templates render once per campaign and language, not once per email."""
    links = personal_links(TOKEN)
    with translation.override(locale):
        closing = formats.date_format(timezone.localtime(closes_at), "DATE_FORMAT") if closes_at else ""
        values = {"first_name": FIRST_NAME_TEXT, "campaign": title, "link": links["link"], "closing_date": closing}
        escaped = {key: escape(value) for key, value in values.items()}
        escaped["first_name"] = FIRST_NAME_HTML
        escaped["link"] = f'<a href="{escape(links["link"])}">{escape(links["link"])}</a>'
        context = {
            "title": title,
            "locale": locale,
            "links": links,
            "text_body": fill(body, values),
            "html_body": mark_safe(linebreaks(fill(escape(body), escaped))),
            "link_in_body": "{lien}" in body or "{link}" in body,
            "decoy": mark_safe(decoy_html(TOKEN)),
        }
        return (
            fill(subject, values).replace("\n", " ").strip(),
            render_to_string("campaigns/email/invitation.txt", context),
            render_to_string("campaigns/email/invitation.html", context),
            _("Madame, Monsieur"),
        )


def _texts(source, campaign, ambassador):
    """(subject, text, html with marks, the first name to put in them) for one ambassador."""
    locale = language_for(source, ambassador.locale)
    subject, body = template_for(source, locale)
    subject, text, html, nobody = _skeleton(
        subject, body, campaign.title, campaign.closes_at, locale, settings.SITE_URL
    )
    first_name = CONTROL.sub(" ", ambassador.first_name).strip() or nobody  # no line break may reach a header
    return subject, text, html, first_name


def _message(*, subject, text, html, to, token, reply_to, message_id, date=None):
    headers = {
        "Message-ID": message_id,
        "List-Unsubscribe": f"<{personal_links(token)['unsubscribe']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    if date:
        headers["Date"] = date
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def _message_id():
    return make_msgid(domain=urlsplit(settings.SITE_URL).hostname)


def build_message(*, source, campaign, ambassador, token, metadata=None, subject_prefix=""):
    """The email for one ambassador: ``source`` holds the texts (the campaign itself, or one of its reminders)."""
    subject, text, html, first_name = _texts(source, campaign, ambassador)
    message = _message(
        subject=encoded_header(subject_prefix + subject.replace(FIRST_NAME_TEXT, first_name)),
        text=text.replace(FIRST_NAME_TEXT, first_name).replace(TOKEN, token),
        html=html.replace(FIRST_NAME_HTML, escape(first_name)).replace(TOKEN, token),
        to=ambassador.email,
        token=token,
        reply_to=campaign.reply_to,
        message_id=_message_id(),
    )
    message.metadata = metadata or {}  # read by django-anymail's backends, ignored by the others
    return message


@functools.lru_cache(maxsize=128)
def _raw_skeleton(text, html, reply_to, from_email, site):
    """The bytes of an email with marks, as Django would send them, or None when its parts are not sent as 8bit
    text (very long lines get quoted-printable: the marks inside could not be replaced)."""
    data = (
        _message(
            subject=SUBJECT,
            text=text,
            html=html,
            to=TO,
            token=TOKEN,
            reply_to=reply_to,
            message_id=MESSAGE_ID,
            date=DATE,
        )
        .message()
        .as_bytes(linesep="\r\n")
    )
    return data if data.count(b"Content-Transfer-Encoding: 8bit") == 2 else None


def raw_message(*, source, campaign, ambassador, token):
    """The bytes of the email for one ambassador, made by replacing the marks of a message built once per text
    and language, or None when only ``build_message`` can make it. Same headers and parts as build_message:
    the email package's generation is the costliest part of an email, and a campaign sends it a million times."""
    if not ambassador.email.isascii():
        return None
    subject, text, html, first_name = _texts(source, campaign, ambassador)
    data = _raw_skeleton(text, html, campaign.reply_to, settings.DEFAULT_FROM_EMAIL, settings.SITE_URL)
    if data is None:
        return None
    replacements = [
        (SUBJECT, encoded_header(subject.replace(FIRST_NAME_TEXT, first_name))),
        (TO, ambassador.email),
        (MESSAGE_ID, _message_id()),
        (DATE, formatdate(localtime=settings.EMAIL_USE_LOCALTIME)),
        (TOKEN, token),
        (FIRST_NAME_TEXT, first_name),
        (FIRST_NAME_HTML, escape(first_name)),
    ]
    for mark, value in replacements:
        data = data.replace(mark.encode(), value.encode())
    return data


# --- the public seam for the other apps' emails to ambassadors (ideas' notifications) ----------------------


def single_line(value):
    """``value`` fit for a header or a greeting: control characters (line breaks among them) become spaces."""
    return CONTROL.sub(" ", value or "").strip()


def ambassador_email(*, invitation, subject, text, html, locale="", reply_to=None):
    """An email to the ambassador of ``invitation`` other than the invitation itself (which ``build_message``
    makes): ``subject`` on one line (encoded when not ASCII), the ``text`` and ``html`` parts as given, a fresh
    Message-ID, the invitation's one-click unsubscribe headers (RFC 8058) and, with ``locale``, its
    Content-Language. The parts are the caller's; they carry the visible unsubscribe link, which is
    ``personal_links(invitation.token)["unsubscribe"]``; the hidden decoy link is added to the HTML part."""
    if (closing := html.lower().rfind("</body>")) >= 0:
        html = html[:closing] + decoy_html(invitation.token) + html[closing:]
    else:
        html += decoy_html(invitation.token)
    message = _message(
        subject=encoded_header(single_line(subject)),
        text=text,
        html=html,
        to=invitation.ambassador.email,
        token=invitation.token,
        reply_to=reply_to,
        message_id=_message_id(),
    )
    if locale:
        message.extra_headers["Content-Language"] = locale
    return message


def connection_close(backend):
    """Close an email backend's connection quietly: after a failure it may already be gone."""
    with contextlib.suppress(Exception):
        backend.close()
