"""An ambassador's data, handed over (right of access) or erased (right to erasure), from the admin and the shell."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from campaigns.audience.personal_data import ambassador_erase, ambassador_export
from campaigns.models import Ambassador, Invitation, Tag, TrackingEvent
from campaigns.sending.launch import campaign_launch
from campaigns.tracking.events import record_click
from ideas.models import Board, Comment, Contributor, Idea, Vote
from surveys.models import Answer, Question, Response, Section, Survey
from tests.admin_pages import refused
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
    assert client.get(reverse("campaigns:personal_link", args=[token])).status_code == 410
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


def test_the_tracking_of_an_erased_ambassador_keeps_its_verdicts_but_not_their_agent_nor_network(lea):
    invitation = Invitation.objects.get(ambassador=lea)
    record_click(invitation.token, user_agent="Mozilla/5.0 (iPhone)", address="90.84.12.7")
    exported = ambassador_export(lea)["tracking_events"]
    assert exported[0]["network"] == "90.84.12.0/24" and exported[0]["agent"] == "Mozilla/5.0 (iPhone)"
    ambassador_erase(lea)
    assert list(TrackingEvent.objects.values_list("verdict", "agent", "network")) == [("person", "", "")]
