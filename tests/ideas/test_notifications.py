from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from campaigns.models import Invitation
from campaigns.sending.bounces import bounce_record
from campaigns.sending.launch import campaign_launch
from campaigns.tracking.events import unsubscribe
from ideas import notifications
from ideas.models import Idea, Vote
from ideas.workflow import idea_merge, idea_status_change
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("x")</script>'
SITE = "http://localhost:8000"


@pytest.fixture
def audience():
    return {
        "lea": ambassador("lea@exemple.fr", region="bre", first_name="Léa"),
        "john": ambassador("john@example.com", region="bre", locale="en", first_name="John"),
        "zoe": ambassador("zoe@exemple.fr", region="bre", first_name="Zoé"),
        "gone": ambassador("gone@exemple.fr", region="bre"),
        "bounced": ambassador("bounced@example.com", region="bre", locale="en"),
    }


@pytest.fixture
def ideation(audience):
    """A live ideation campaign to all of the audience: each holds an invitation (its token)."""
    target = campaign(slug="banque-mobile", segments=[region_segment()])
    campaign_launch(target)
    return target


def idea(target_campaign, title="Un virement instantané gratuit", voters=(), **fields):
    created = Idea.objects.create(campaign=target_campaign, title=title, **fields)
    Vote.objects.bulk_create([Vote(idea=created, ambassador=voter) for voter in voters])
    Idea.objects.filter(pk=created.pk).update(vote_count=len(voters))
    return created


def token(email):
    return Invitation.objects.get(ambassador__email=email).token


def parts(message):
    return tuple(message.get_body((kind,)).get_content().replace("\r\n", "\n") for kind in ("plain", "html"))


def subject_of(sent):
    """The subject of a message in Django's outbox, decoded."""
    return str(make_header(decode_header(sent.subject)))


def translated(locale, msgid, **values):
    with translation.override(locale):
        return gettext(msgid) % values


@pytest.fixture
def planned(ideation, audience, product_user, smtp_server, django_capture_on_commit_callbacks):
    """Léa's idea, voted for by John and Zoé, moved to "planned" with an answer in both languages: the emails went
    through django-q2 and the SMTP server."""
    voted = idea(ideation, author=audience["lea"], voters=[audience["john"], audience["zoe"]])
    Idea.objects.filter(pk=voted.pk).update(status=Idea.Status.UNDER_REVIEW)
    voted.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        idea_status_change(
            idea=voted,
            to_status=Idea.Status.PLANNED,
            answer_fr="Prévue pour le printemps.",
            answer_en="Planned for the spring.",
            by=product_user,
        )
    return voted


def test_a_french_voter_is_told_in_french_with_both_parts_the_answer_the_link_and_unsubscribe(planned, smtp_server):
    [message] = smtp_server.to("zoe@exemple.fr")
    assert message["Subject"] == "Une idée que vous soutenez, « Un virement instantané gratuit » : Prévue"
    assert message["Content-Language"] == "fr" and "ambassadeurs@" in message["From"]
    assert message["Message-ID"] and message["Reply-To"] == "equipe.produit@banque.example"
    unsubscribe_link = f"{SITE}/u/{token('zoe@exemple.fr')}/"
    assert message["List-Unsubscribe"].strip() == f"<{unsubscribe_link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    link = f"{SITE}/b/banque-mobile/{planned.pk}/"
    assert text.startswith(
        "Bonjour Zoé,\n\nL'idée « Un virement instantané gratuit », pour laquelle vous avez voté, "
        "passe au statut « Prévue »."
    )
    assert "La réponse de l'équipe :\nPrévue pour le printemps." in text and "Planned for" not in text
    assert f"Voir l'idée : {link}" in text and unsubscribe_link in text
    assert '<html lang="fr">' in html and "Prévue pour le printemps." in html
    assert f'href="{link}"' in html and f'href="{unsubscribe_link}"' in html


def test_an_english_voter_is_told_in_english_with_the_english_answer(planned, smtp_server):
    [message] = smtp_server.to("john@example.com")
    status = translated("en", "Prévue")
    assert message["Subject"] == translated(
        "en", "Une idée que vous soutenez, « %(title)s » : %(status)s", title=planned.title, status=status
    )
    assert message["Content-Language"] == "en"
    assert message["List-Unsubscribe"].strip() == f"<{SITE}/u/{token('john@example.com')}/>"
    text, html = parts(message)
    assert text.startswith(translated("en", "Bonjour %(name)s,", name="John"))
    assert translated("en", "La réponse de l'équipe :") + "\nPlanned for the spring." in text
    assert "Prévue pour le printemps." not in text and "Prévue pour le printemps." not in html
    assert '<html lang="en">' in html and "Planned for the spring." in html


def test_the_author_is_told_about_their_own_idea(planned, smtp_server):
    [message] = smtp_server.to("lea@exemple.fr")
    assert message["Subject"] == "Votre idée « Un virement instantané gratuit » : Prévue"
    text, _html = parts(message)
    assert "Votre idée « Un virement instantané gratuit » passe au statut « Prévue »." in text
    assert "parce que vous avez proposé cette idée" in text


def test_the_french_answer_goes_to_english_speakers_when_there_is_none_in_english(
    ideation, audience, product_user, smtp_server, django_capture_on_commit_callbacks
):
    voted = idea(ideation, voters=[audience["john"]])
    with django_capture_on_commit_callbacks(execute=True):
        idea_status_change(idea=voted, to_status=Idea.Status.DECLINED, answer_fr="Pas cette année.", by=product_user)
    [message] = smtp_server.to("john@example.com")
    text, html = parts(message)
    assert "Pas cette année." in text and "Pas cette année." in html


def test_opted_out_bounced_and_uninvited_voters_are_never_emailed(
    ideation, audience, product_user, smtp_server, django_capture_on_commit_callbacks
):
    unsubscribe(Invitation.objects.get(ambassador=audience["gone"]))
    bounce_record(email="bounced@example.com")
    late = ambassador("late@exemple.fr", region="bre")  # came after the launch: no invitation to this campaign
    voted = idea(
        ideation,
        author=audience["lea"],
        voters=[audience[name] for name in ("john", "zoe", "gone", "bounced")] + [late],
    )
    with django_capture_on_commit_callbacks(execute=True):
        idea_status_change(
            idea=voted, to_status=Idea.Status.UNDER_REVIEW, answer_fr="Nous l'étudions.", by=product_user
        )
    assert sorted(rcpt for rcpt, _message in smtp_server.messages) == [
        "john@example.com",
        "lea@exemple.fr",
        "zoe@exemple.fr",
    ]


def test_an_author_who_also_voted_gets_one_email_the_authors(
    ideation, audience, product_user, smtp_server, django_capture_on_commit_callbacks
):
    voted = idea(ideation, author=audience["lea"], voters=[audience["lea"], audience["zoe"]])
    with django_capture_on_commit_callbacks(execute=True):
        idea_status_change(
            idea=voted, to_status=Idea.Status.UNDER_REVIEW, answer_fr="Nous l'étudions.", by=product_user
        )
    [message] = smtp_server.to("lea@exemple.fr")
    assert message["Subject"].startswith("Votre idée")
    assert len(smtp_server.messages) == 2


def test_hostile_titles_and_answers_are_escaped_in_the_html_part(
    ideation, audience, product_user, smtp_server, django_capture_on_commit_callbacks
):
    voted = idea(ideation, title=HOSTILE, voters=[audience["zoe"]])
    with django_capture_on_commit_callbacks(execute=True):
        idea_status_change(
            idea=voted, to_status=Idea.Status.UNDER_REVIEW, answer_fr=f"Réponse {HOSTILE}\nfin", by=product_user
        )
    [message] = smtp_server.to("zoe@exemple.fr")
    text, html = parts(message)
    assert HOSTILE in text and "<script" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_recipients_are_read_in_one_query_and_sent_by_chunks_one_connection_each(
    ideation, audience, product_user, smtp_server, django_assert_max_num_queries
):
    voted = idea(ideation, author=audience["lea"], voters=[audience["john"], audience["zoe"]])
    change = idea_status_change(
        idea=voted, to_status=Idea.Status.UNDER_REVIEW, answer_fr="Nous l'étudions.", by=product_user
    )  # not committed: the notification is sent below, by hand
    # the change with its idea, the recipients streamed, and per chunk one insert logging the emails sent
    with django_assert_max_num_queries(4):
        outcome = notifications.status_change_notify(change.pk, chunk_size=2)
    assert outcome == {"sent": 3, "failed": 0}
    assert smtp_server.connections == 2 and len(smtp_server.messages) == 3


def test_an_address_the_server_refuses_does_not_stop_the_others(ideation, audience, product_user, smtp_server):
    voted = idea(ideation, author=audience["lea"], voters=[audience["john"], audience["zoe"]])
    change = idea_status_change(
        idea=voted, to_status=Idea.Status.UNDER_REVIEW, answer_fr="Nous l'étudions.", by=product_user
    )
    smtp_server.reply = lambda rcpt, attempt: "550 No such user" if rcpt == "john@example.com" else None
    assert notifications.status_change_notify(change.pk) == {"sent": 2, "failed": 1}
    assert sorted(rcpt for rcpt, _message in smtp_server.messages) == ["lea@exemple.fr", "zoe@exemple.fr"]


# --- merge ----------------------------------------------------------------------------------------------------


def test_a_merge_tells_both_authors_each_in_their_language(
    ideation, audience, product_user, smtp_server, django_capture_on_commit_callbacks
):
    source = idea(ideation, "Virement gratuit", author=audience["lea"], voters=[audience["zoe"]])
    target = idea(ideation, "Virements sans frais", author=audience["john"])
    with django_capture_on_commit_callbacks(execute=True):
        idea_merge(source=source, target=target, by=product_user)
    link = f"{SITE}/b/banque-mobile/{target.pk}/"

    [to_source] = smtp_server.to("lea@exemple.fr")
    assert to_source["Subject"] == "Votre idée « Virement gratuit » a rejoint « Virements sans frais »"
    assert to_source["List-Unsubscribe"].strip() == f"<{SITE}/u/{token('lea@exemple.fr')}/>"
    text, html = parts(to_source)
    assert "Votre idée « Virement gratuit » disait la même chose que « Virements sans frais »" in text
    assert f"Voir l'idée : {link}" in text and f'href="{link}"' in html and '<html lang="fr">' in html

    [to_target] = smtp_server.to("john@example.com")
    assert to_target["Subject"] == translated(
        "en", "Une idée a rejoint la vôtre, « %(target)s »", target="Virements sans frais"
    )
    assert to_target["Content-Language"] == "en"
    text, html = parts(to_target)
    assert "Virement gratuit" in text and f'href="{link}"' in html and '<html lang="en">' in html
    assert not smtp_server.to("zoe@exemple.fr")  # voters are not told of a merge


def test_a_merge_into_a_staff_idea_tells_the_source_author_only(
    ideation, audience, product_user, smtp_server, django_capture_on_commit_callbacks
):
    source = idea(ideation, "Virement gratuit", author=audience["lea"])
    target = idea(ideation, "Virements sans frais", author_user=product_user)
    with django_capture_on_commit_callbacks(execute=True):
        idea_merge(source=source, target=target, by=product_user)
    assert [rcpt for rcpt, _message in smtp_server.messages] == ["lea@exemple.fr"]


def test_an_author_of_both_merged_ideas_gets_one_email(ideation, audience, product_user):
    source = idea(ideation, "Virement gratuit", author=audience["lea"])
    target = idea(ideation, "Virements sans frais", author=audience["lea"])
    idea_merge(source=source, target=target, by=product_user)
    assert notifications.merge_notify(source.pk, target.pk) == {"sent": 1, "failed": 0}
    [message] = mail.outbox
    assert subject_of(message) == "Votre idée « Virement gratuit » a rejoint « Virements sans frais »"


def test_an_opted_out_author_is_not_told_of_a_merge(ideation, audience, product_user):
    unsubscribe(Invitation.objects.get(ambassador=audience["gone"]))
    source = idea(ideation, "Virement gratuit", author=audience["gone"])
    target = idea(ideation, "Virements sans frais", author=audience["zoe"])
    idea_merge(source=source, target=target, by=product_user)
    assert notifications.merge_notify(source.pk, target.pk) == {"sent": 1, "failed": 0}
    assert [message.to for message in mail.outbox] == [["zoe@exemple.fr"]]
