"""The local outbox: an email backend that keeps every message in the database, where staff read them in the
admin and click the links in them. It is the embedded default (EMAIL_URL=outbox:), so a new user can follow
the whole journey without a mail server."""

from email import message_from_bytes, policy
from email.header import decode_header, make_header

from django.core.mail.backends.base import BaseEmailBackend

from campaigns.models import OutboxMessage


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        rows = [
            OutboxMessage(
                from_email=message.from_email,
                to=", ".join(message.recipients()),
                subject=str(make_header(decode_header(message.subject)))[:998],
                message=message.message().as_bytes(linesep="\r\n"),
            )
            for message in email_messages
        ]
        OutboxMessage.objects.bulk_create(rows)
        return len(rows)


def message_parts(outbox_message):
    """The headers, the text part and the HTML part of a kept message, as the recipient's mail program sees them."""
    parsed = message_from_bytes(bytes(outbox_message.message), policy=policy.default)
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    return {
        "headers": list(parsed.items()),
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
    }
