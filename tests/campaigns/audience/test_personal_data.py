"""An ambassador's data, handed over (right of access) or erased (right to erasure), from the admin and the shell."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from campaigns.audience.personal_data import ambassador_erase, ambassador_export
from campaigns.models import Ambassador, AmbassadorImport, Invitation, Tag, TrackingEvent
from campaigns.sending.launch import campaign_launch
from campaigns.tracking.events import record_click
from config.log_format import JsonFormatter
from ideas.models import Board, Comment, Contributor, Idea, Vote
from ideas.posting import idea_post
from ideas.workflow import idea_status_change
from reports.export_jobs import export_start
from surveys.models import Answer, Question, Response, Section, Survey
from tests.admin_pages import refused
from tests.campaigns.audience.traces import database_traces, file_traces
from tests.campaigns.factories import ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def lea():
    """Léa, invited to a survey-and-ideas campaign, who answered, posted an idea, commented and voted."""
    person = ambassador("lea@exemple.fr", region="bre", first_name="Léa", last_name="Martin", age_band="25-34")
    person.tags.add(Tag.objects.create(name="early"))
    target = campaign(segments=[region_segment()], kind="both")
    survey = Survey.objects.create(campaign=target, title_fr="Votre avis")
    section = Section.objects.create(survey=survey, sort_order=0, title_fr="Page 1")
    question = Question.objects.create(
        survey=survey,
        section=section,
        sort_order=0,
        code="q1",
        kind=Question.Kind.SHORT_TEXT,
        text_fr="Qu'en pensez-vous ?",
    )
    Board.objects.create(campaign=target)
    campaign_launch(target)
    invitation = Invitation.objects.get(ambassador=person)
    response = Response.objects.create(survey=survey, invitation=invitation)
    Answer.objects.create(response=response, question=question, text="Très clair")
    idea = Idea.objects.create(campaign=target, title="Virement par contact", author=person)
    Comment.objects.create(idea=idea, author=person, body="Et par QR code ?")
    Vote.objects.create(idea=idea, ambassador=person)
    Contributor.objects.create(ambassador=person, display_name="Léa de Rennes")
    return person


def test_export_holds_everything_kept_on_the_ambassador(lea):
    document = json.loads(json.dumps(ambassador_export(lea)))  # JSON as it is handed over
    assert document["ambassador"]["email"] == "lea@exemple.fr" and document["ambassador"]["tags"] == ["early"]
    assert document["invitations"][0]["campaign__title"] == "La banque mobile de demain"
    assert document["survey_answers"][0]["answers"][0]["text"] == "Très clair"
    assert document["ideas"]["ideas"][0]["title"] == "Virement par contact"
    assert document["ideas"]["comments"][0]["body"] == "Et par QR code ?" and len(document["ideas"]["votes"]) == 1
    assert document["ideas"]["display_name"] == "Léa de Rennes"


def test_erasure_removes_the_identity_keeps_contributions_and_stops_all_contact(client, lea):
    token = Invitation.objects.get(ambassador=lea).token
    ambassador_erase(lea)
    erased = Ambassador.objects.get(pk=lea.pk)
    assert erased.email == f"erased-{lea.pk}@erased.invalid" and erased.first_name == erased.last_name == ""
    assert erased.region == erased.age_band == "" and not erased.tags.exists()
    assert erased.opted_out_at is not None and erased.erased_at is not None
    assert not Contributor.objects.filter(ambassador=erased).exists()
    assert Answer.objects.get().text == "Très clair" and Idea.objects.get().author == erased  # kept, de-identified
    assert client.get(reverse("campaigns:personal_link", args=[token])).status_code == 404  # a new token
    again = campaign(slug="encore", segments=[region_segment(name="Bretons 2")])
    campaign_launch(again)
    assert not Invitation.objects.filter(campaign=again).exists()
    assert "lea@exemple.fr" not in json.dumps(ambassador_export(erased))
    ambassador_erase(erased)  # idempotent
    assert Ambassador.objects.get(pk=lea.pk).erased_at == erased.erased_at


def test_commands_export_and_erase_with_confirmation(lea, tmp_path, capsys):
    target = tmp_path / "lea.json"
    call_command("export_ambassador_data", "LEA@exemple.fr", "--output", str(target))
    assert json.loads(target.read_text())["ambassador"]["first_name"] == "Léa"
    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_ambassador", "lea@exemple.fr")
    assert Ambassador.objects.get(pk=lea.pk).erased_at is None
    call_command("erase_ambassador", "lea@exemple.fr", "--yes")
    assert Ambassador.objects.get(pk=lea.pk).erased_at is not None
    with pytest.raises(CommandError, match="aucun ambassadeur"):
        call_command("erase_ambassador", "lea@exemple.fr", "--yes")


def test_admin_hands_over_and_erases_for_the_product_team_only(client_for, product_user, analyst_user, lea):
    export_url = reverse("ambassador_data:export", args=[lea.pk])
    erase_url = reverse("ambassador_data:erase", args=[lea.pk])
    staff = client_for(product_user)
    response = staff.get(export_url)
    assert response["Content-Disposition"].startswith("attachment") and json.loads(response.content)["ambassador"]
    assert "C'est définitif" in staff.get(erase_url).content.decode()
    assert Ambassador.objects.get(pk=lea.pk).erased_at is None  # asking is not erasing
    analyst = client_for(analyst_user)  # the same client, now the analyst's
    assert refused(analyst.get(export_url)) and refused(analyst.post(erase_url))
    assert Ambassador.objects.get(pk=lea.pk).erased_at is None
    assert client_for(product_user).post(erase_url).status_code == 302
    assert Ambassador.objects.get(pk=lea.pk).erased_at is not None


# --- an erasure that leaves nothing ---------------------------------------------------------------------------

NAME, SURNAME, ADDRESS, CHOSEN = "Gwenaëlle", "Kerhervé", "gwen.kerherve@exemple.fr", "Gwen de Brest"


@pytest.fixture
def gwen_everywhere(settings, client_for, product_user, analyst_user, django_capture_on_commit_callbacks):
    """Gwenaëlle, edited in the admin, emailed through the outbox, author of an idea that the team answered (so
    emailed again), in workbooks and CSV files exported by the product team and by an analyst."""
    settings.EMAIL_BACKEND = "campaigns.sending.outbox.OutboxEmailBackend"
    settings.MEDIA_ROOT = settings.VAR_DIR / "media"
    person = ambassador(ADDRESS, region="bre", first_name=NAME, last_name=SURNAME, age_band="25-34")
    staff = client_for(product_user)
    edited = staff.post(
        reverse("wagtailsnippets_campaigns_ambassador:edit", args=[person.pk]),
        {"email": ADDRESS, "first_name": NAME, "last_name": SURNAME, "locale": "fr", "region": "bre",
         "age_band": "35-44", "consent_at": "2025-01-02 10:00"},
    )  # fmt: skip
    assert edited.status_code == 302, edited.content.decode()[:3000]
    # an import that rejected a row of hers, its report kept
    message = f"{ADDRESS} est déjà un ambassadeur ; choisissez la mise à jour des existants pour le modifier."
    AmbassadorImport.objects.create(file_name="panel.csv", errors=[{"row": 3, "column": "email", "message": message}])
    # Wagtail's history as it was written before its labels named no one
    ModelLogEntry.objects.log_action(person, "wagtail.edit", title=str(person), user=product_user)
    with django_capture_on_commit_callbacks(execute=True):
        target = campaign(segments=[region_segment()], kind="ideation")
        board = Board.objects.create(campaign=target)
        campaign_launch(target)
    invitation = Invitation.objects.get(ambassador=person)
    idea = idea_post(board=board, ambassador=person, title="Virement par contact", invitation=invitation)
    Contributor.objects.create(ambassador=person, display_name=CHOSEN)
    with django_capture_on_commit_callbacks(execute=True):
        idea_status_change(idea=idea, to_status=Idea.Status.UNDER_REVIEW, answer_fr="Nous l'étudions.", by=product_user)
        for user, fmt, table in [(product_user, "xlsx", ""), (product_user, "csv", "invitations"),
                                 (analyst_user, "xlsx", ""), (analyst_user, "csv", "ideas")]:  # fmt: skip
            export_start(campaign=target, user=user, fmt=fmt, table=table)
    return person, invitation.token


def test_erasure_leaves_no_trace_in_any_table_or_file(
    settings, client, client_for, product_user, gwen_everywhere, django_capture_on_commit_callbacks, caplog
):
    person, token = gwen_everywhere
    folders = [settings.VAR_DIR, settings.MEDIA_ROOT]
    # The probe finds her: the outbox, the admin's history, the exports hold her name and address today.
    before = database_traces(ADDRESS, SURNAME, NAME)
    found = {trace.split(" ")[0] for trace in before}
    assert {"campaigns.OutboxMessage", "wagtailcore.ModelLogEntry", "campaigns.AmbassadorImport"} <= found
    assert len(file_traces(folders, ADDRESS)) == 2 and len(file_traces(folders, CHOSEN)) == 1  # analysts: pseudonyms

    with django_capture_on_commit_callbacks(execute=True):
        erased = client_for(product_user).post(reverse("ambassador_data:erase", args=[person.pk]), follow=True)
    said = erased.content.decode()
    assert "4 fichiers d&#x27;export supprimés" in said, said[said.find("messages") :][:1500]

    assert database_traces(ADDRESS, SURNAME, NAME, CHOSEN) == []
    assert file_traces(folders, ADDRESS, SURNAME, NAME, CHOSEN) == []
    assert client.get(reverse("campaigns:personal_link", args=[token])).status_code == 404
    assert client.get(reverse("campaigns:unsubscribe", args=[token])).status_code == 404
    # logs: every line the scenario wrote, as the log collector receives it, names no one
    lines = [JsonFormatter().format(record) for phase in ("setup", "call") for record in caplog.get_records(phase)]
    assert lines and not [line for line in lines if ADDRESS in line or SURNAME in line]


def test_the_admin_history_of_an_ambassador_names_no_one(client_for, admin_user, product_user):
    person = ambassador(ADDRESS, first_name=NAME, last_name=SURNAME, region="bre")
    staff = client_for(product_user)
    edit = reverse("wagtailsnippets_campaigns_ambassador:edit", args=[person.pk])
    staff.post(edit, {"email": ADDRESS, "first_name": NAME, "last_name": SURNAME, "locale": "fr", "region": "nor"})
    assert list(ModelLogEntry.objects.values_list("label", flat=True)) == [f"Ambassadeur n° {person.pk}"]
    history = client_for(admin_user).get(reverse("wagtailadmin_reports:site_history") + "?export=csv")
    text = b"".join(history.streaming_content).decode() if history.streaming else history.content.decode()
    assert f"Ambassadeur n° {person.pk}" in text and SURNAME not in text and ADDRESS not in text
    assert text.count(f"Ambassadeur n° {person.pk}") == 1  # listed once, not once per registered log model


def test_the_tracking_of_an_erased_ambassador_keeps_its_verdicts_but_not_their_agent_nor_network(lea):
    invitation = Invitation.objects.get(ambassador=lea)
    record_click(invitation.token, user_agent="Mozilla/5.0 (iPhone)", address="90.84.12.7")
    exported = ambassador_export(lea)["tracking_events"]
    assert exported[0]["network"] == "90.84.12.0/24" and exported[0]["agent"] == "Mozilla/5.0 (iPhone)"
    ambassador_erase(lea)
    assert list(TrackingEvent.objects.values_list("verdict", "agent", "network")) == [("person", "", "")]
