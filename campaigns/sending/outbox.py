"""The local outbox: an email backend that keeps every message in the database, where staff read them in the
admin and click the links in them. It is the embedded default (EMAIL_URL=outbox:), so a new user can follow
the whole journey without a mail server.

Who reads what: ambassadors' mail (invitations, reminders, idea notifications) is read by whoever may read the
outbox (the product team). A message sent to the address of a staff account (a password reset, Wagtail's
workflow notifications, the weekly report, a test send) is staff mail: it is read by that account and by
superusers, and by superusers alone when the address is not one account's (two accounts sharing it, say: a
colleague who gave himself the admin's address would otherwise read the admin's password reset). The account is
fixed when the message is kept, so changing one's address later opens nothing already kept."""

from email import message_from_bytes, policy
from email.header import decode_header, make_header

from django.contrib.auth import get_user_model
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Q
from django.db.models.functions import Lower

from campaigns.models import OutboxMessage
from campaigns.sending.emails import links_neutralised, tracking_removed

Audience = OutboxMessage.Audience
READ_PERMISSION = "campaigns.view_outboxmessage"


def staff_accounts(addresses):
    """{address in lower case: [ids of the accounts with that address]} for those of ``addresses`` that are a staff
    account's (any account: inactive ones too)."""
    lowered = {address.strip().lower() for address in addresses if address.strip()}
    accounts = {}
    if lowered:
        rows = get_user_model().objects.annotate(address=Lower("email")).filter(address__in=lowered)
        for pk, address in rows.values_list("pk", "address"):
            accounts.setdefault(address, []).append(pk)
    return accounts


def audience_of(recipients, accounts):
    """(audience, addressee id or None) of a message to ``recipients``, given ``staff_accounts`` of them."""
    owners = [accounts.get(address.strip().lower()) for address in recipients]
    staff = [ids for ids in owners if ids]
    if not staff:
        return Audience.AMBASSADORS, None
    ids = {pk for group in staff for pk in group}
    return Audience.STAFF, (ids.pop() if len(ids) == 1 else None)


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        email_messages = list(email_messages)
        accounts = staff_accounts(address for message in email_messages for address in message.recipients())
        rows = []
        for message in email_messages:
            audience, addressee = audience_of(message.recipients(), accounts)
            rows.append(
                OutboxMessage(
                    from_email=message.from_email,
                    to=", ".join(message.recipients()),
                    subject=str(make_header(decode_header(message.subject)))[:998],
                    message=message.message().as_bytes(linesep="\r\n"),
                    audience=audience,
                    addressee_id=addressee,
                )
            )
        OutboxMessage.objects.bulk_create(rows)
        return len(rows)


def outbox_readable_by(user):
    """The kept messages ``user`` may read: all for a superuser; ambassadors' mail for who may read the outbox;
    the staff mail addressed to them."""
    if not user.is_active:
        return OutboxMessage.objects.none()
    if user.is_superuser:
        return OutboxMessage.objects.all()
    mine = Q(audience=Audience.STAFF, addressee=user.pk)
    if user.has_perm(READ_PERMISSION):
        return OutboxMessage.objects.filter(Q(audience=Audience.AMBASSADORS) | mine)
    return OutboxMessage.objects.filter(mine)


def outbox_opens_for(user):
    """Whether ``user`` may open the outbox: who may read it, and anyone with staff mail waiting there."""
    return user.is_active and (user.is_superuser or user.has_perm(READ_PERMISSION) or outbox_readable_by(user).exists())


def message_parts(outbox_message):
    """The headers, the text part and the HTML part of a kept message, as the recipient's mail program sees them,
    but for the open pixel and the decoy link, and with its links made inert (listed apart): reading it in the
    outbox counts no open, and a click there neither blanks the frame nor counts a click."""
    parsed = message_from_bytes(bytes(outbox_message.message), policy=policy.default)
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    shown, links = links_neutralised(tracking_removed(html.get_content())) if html else ("", [])
    return {
        "headers": list(parsed.items()),
        "text": text.get_content() if text else "",
        "html": shown,
        "links": links,
    }
