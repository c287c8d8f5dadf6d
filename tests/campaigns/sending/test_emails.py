import re
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from campaigns.models import Invitation, Reminder
from campaigns.sending.emails import (
    ambassador_email,
    build_message,
    connection_close,
    personal_links,
    raw_message,
    tracking_removed,
)
from tests.campaigns.factories import ambassador, campaign

pytestmark = pytest.mark.django_db
TOKEN = "ab" * 32


def parsed(data):
    return message_from_bytes(data, policy=policy.default)


def both(target, person):
    built = parsed(
        build_message(source=target, campaign=target, ambassador=person, token=TOKEN).message().as_bytes(linesep="\r\n")
    )
    raw = raw_message(source=target, campaign=target, ambassador=person, token=TOKEN)
    return built, raw and parsed(raw)


@pytest.mark.parametrize("first_name", ["Léa", "Zoë <b>&</b>", ""])
def test_prepared_bytes_are_the_same_email_as_the_built_message(first_name):
    target = campaign()
    built, raw = both(target, ambassador("lea@exemple.fr", first_name=first_name))
    assert raw is not None
    for header in ("Subject", "From", "To", "Reply-To", "List-Unsubscribe", "List-Unsubscribe-Post", "Content-Type"):
        assert str(raw[header]).split(";")[0] == str(built[header]).split(";")[0], header
    assert raw["Message-ID"] != built["Message-ID"] and raw["Date"]
    for kind in ("plain", "html"):
        assert raw.get_body((kind,)).get_content() == built.get_body((kind,)).get_content()
    assert f"/i/{TOKEN}/" in raw.get_body(("plain",)).get_content()


def test_a_line_break_in_a_first_name_never_reaches_a_header():
    target = campaign()
    person = ambassador("lea@exemple.fr", first_name="Léa\r\nBcc: victim@example.com")
    built, raw = both(target, person)
    for message in (built, raw):
        assert message["Bcc"] is None
        assert message["Subject"].startswith("Léa Bcc: victim@example.com, votre avis")


def test_text_that_needs_quoted_printable_falls_back_to_the_built_message():
    target = campaign(body_fr="Bonjour {prenom}, " + "très long " * 150 + "{lien}")
    assert raw_message(source=target, campaign=target, ambassador=ambassador("a@exemple.fr"), token=TOKEN) is None


def test_an_email_to_an_ambassador_carries_the_invitations_unsubscribe_headers_and_the_callers_parts(settings):
    settings.SITE_URL = "https://ambassadeurs.banque.example"
    invitation = Invitation.objects.create(campaign=campaign(), ambassador=ambassador("lea@exemple.fr"), token=TOKEN)
    message = ambassador_email(
        invitation=invitation,
        subject="Votre idée « Virement »\r\nBcc: victim@example.com",
        text="Bonjour Léa",
        html="<p>Bonjour Léa</p>",
        locale="fr",
        reply_to="equipe@banque.example",
    )
    sent = parsed(message.message().as_bytes(linesep="\r\n"))
    assert sent["To"] == "lea@exemple.fr" and sent["Reply-To"] == "equipe@banque.example" and sent["Bcc"] is None
    assert sent["Subject"] == "Votre idée « Virement » Bcc: victim@example.com"
    assert sent["List-Unsubscribe"].strip() == f"<{personal_links(TOKEN)['unsubscribe']}>"  # folded: long
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" and sent["Content-Language"] == "fr"
    assert sent["Message-ID"].endswith("@ambassadeurs.banque.example>")
    assert sent.get_body(("plain",)).get_content().strip() == "Bonjour Léa"
    assert sent.get_body(("html",)).get_content().startswith("<p>Bonjour Léa</p>")


def test_a_connection_that_is_already_gone_closes_quietly():
    class Gone:
        def close(self):
            raise ConnectionResetError("the server hung up")

    connection_close(Gone())


def test_every_html_email_hides_a_decoy_link_the_text_part_leaves_out():
    target = campaign()
    person = ambassador("lea@exemple.fr", first_name="Léa")
    reminder = Reminder.objects.create(campaign=target, subject_fr="Rappel", body_fr="Bonjour {prenom} : {lien}")
    invitation = Invitation.objects.create(campaign=target, ambassador=person, token=TOKEN)
    notification = ambassador_email(invitation=invitation, subject="Votre idée", text="Bonjour", html="<p>Bonjour</p>")
    messages = [
        *both(target, person),
        parsed(build_message(source=reminder, campaign=target, ambassador=person, token=TOKEN).message().as_bytes()),
        parsed(notification.message().as_bytes()),
    ]
    decoy = personal_links(TOKEN)["decoy"]
    assert decoy.endswith(f"/i/{TOKEN}/v/")
    for message in messages:
        html, text = (message.get_body((kind,)).get_content() for kind in ("html", "plain"))
        assert html.count(decoy) == 1 and decoy not in text
        anchor = re.search(rf'<a [^>]*href="{re.escape(decoy)}"[^>]*>', html).group(0)
        assert 'tabindex="-1"' in anchor and 'aria-hidden="true"' in anchor and "display:none" in anchor


def test_what_staff_see_of_an_email_has_no_pixel_and_no_decoy():
    target = campaign()
    built, _raw = both(target, ambassador("lea@exemple.fr"))
    html = built.get_body(("html",)).get_content()
    links = personal_links(TOKEN)
    assert links["pixel"] in html and links["decoy"] in html
    shown = tracking_removed(html)
    assert links["pixel"] not in shown and links["decoy"] not in shown and "/t/o/" not in shown
    assert links["link"] in shown and links["unsubscribe"] in shown  # the links a person follows stay


def test_an_english_speaker_gets_a_campaign_without_english_all_in_french():
    from campaigns.sending.emails import build_message

    target = campaign(subject_en="", body_en="", closes_at=datetime(2026, 12, 20, 17, tzinfo=UTC))
    message = build_message(
        source=target, campaign=target, ambassador=ambassador("john@exemple.fr", locale="en"), token=TOKEN
    )
    sent = parsed(message.message().as_bytes(linesep="\r\n"))
    text = sent.get_body(("plain",)).get_content()
    assert "Dec. 20" not in text and "20 décembre" in text, text
