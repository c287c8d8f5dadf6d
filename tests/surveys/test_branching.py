"""Answering a branching survey by personal link, without a browser: pages skipped, questions hidden and not
required, their answers not kept, choices not offered, texts piped and escaped, pages refreshed by a submit."""

import html
import re

import pytest
from django.urls import reverse

from campaigns.models import Campaign, Invitation
from campaigns.sending.launch import campaign_launch
from surveys.models import Answer, Choice, Question, Response, Section, Survey
from tests.campaigns.factories import SCRIPT, ambassador, campaign, region_segment

pytestmark = pytest.mark.django_db
SLUG = "banque-mobile"
K = Question.Kind


def branching_survey(target):
    """Page 1: "statut" (alone or a couple), "nombre" (shown for a couple, required), "produit" (its choice
    "pel" offered to couples); page 2, for couples: "conjoint"; page 3: "avis", piping earlier answers."""
    survey = Survey.objects.create(campaign=target, title_fr="Votre foyer")
    you = Section.objects.create(survey=survey, sort_order=0, title_fr="Vous, {prenom}")
    partner = Section.objects.create(
        survey=survey, sort_order=1, title_fr="Votre conjoint", show_when='statut == "couple"'
    )
    end = Section.objects.create(survey=survey, sort_order=2, title_fr="Pour finir")

    def ask(section, order, code, kind, text, choices=(), **fields):
        asked = Question.objects.create(
            survey=survey, section=section, sort_order=order, code=code, kind=kind, text_fr=text, **fields
        )
        for index, (choice, label, *condition) in enumerate(choices):
            shown = condition[0] if condition else ""
            Choice.objects.create(question=asked, sort_order=index, code=choice, label_fr=label, show_when=shown)
        return asked

    ask(you, 0, "statut", K.SINGLE, "Vivez-vous seul ?", [("seul", "Seul"), ("couple", "En couple")], required=True)
    ask(you, 1, "nombre", K.NUMBER, "Combien d'enfants ?", required=True, show_when='statut == "couple"')
    ask(
        you,
        2,
        "produit",
        K.SINGLE,
        "Quel produit ?",
        [("livret", "Livret A"), ("pel", "Plan épargne logement", 'statut == "couple"')],
    )
    ask(partner, 0, "conjoint", K.SHORT_TEXT, "Le prénom de votre conjoint ?", required=True)
    ask(
        end,
        0,
        "avis",
        K.LONG_TEXT,
        "Un mot sur {if(statut == 'couple', 'votre foyer', 'vous')} ? Produit : {produit}. Conjoint : {conjoint}.",
        help_fr="Vous êtes {statut}.",
    )
    return survey


@pytest.fixture
def survey(db):
    ambassador("lea@exemple.fr", region="bre", first_name="Léa")
    target = campaign(segments=[region_segment()], kind=Campaign.Kind.SURVEY)
    survey = branching_survey(target)
    campaign_launch(target)
    return survey


@pytest.fixture
def visitor(client, survey):
    invitation = Invitation.objects.get()
    assert client.get(reverse("campaigns:personal_link", args=[invitation.token])).status_code == 302
    return client


def page_url(number):
    return reverse("surveys:page", args=[SLUG, number])


def field(code):
    return f"q{Question.objects.get(code=code).pk}"


def post(client, number, data, action="next"):
    return client.post(page_url(number), {**data, "action": action})


def stored():
    return {answer.question.code: answer for answer in Answer.objects.select_related("question", "choice")}


def test_living_alone_skips_the_partners_page_and_the_hidden_required_question(visitor):
    page = visitor.get(page_url(1)).content.decode()
    assert "Page 1 sur 2" in page and "Vous, Léa" in page
    assert "Combien d&#x27;enfants" not in page and "Plan épargne logement" not in page
    reply = post(visitor, 1, {field("statut"): "seul", field("produit"): "livret"})
    assert reply.status_code == 302 and reply["Location"] == page_url(2)
    page = visitor.get(page_url(2)).content.decode()
    assert "Pour finir" in page and "Page 2 sur 2" in page and "Le prénom de votre conjoint" not in page
    assert "Un mot sur vous ? Produit : Livret A. Conjoint : ." in page and "Vous êtes Seul." in page
    assert post(visitor, 2, {field("avis"): "Rien"})["Location"] == reverse("surveys:thanks", args=[SLUG])
    assert Response.objects.get().submitted_at is not None
    assert set(stored()) == {"statut", "produit", "avis"}


def test_a_couple_answers_the_revealed_question_and_page(visitor):
    reply = post(visitor, 1, {field("statut"): "couple", field("produit"): "pel"})
    assert reply.status_code == 400 and "Combien d&#x27;enfants" in reply.content.decode()  # now shown, and required
    reply = post(visitor, 1, {field("statut"): "couple", field("nombre"): "2", field("produit"): "pel"})
    assert reply["Location"] == page_url(2)
    page = visitor.get(page_url(2)).content.decode()
    assert "Page 2 sur 3" in page and "Le prénom de votre conjoint" in page
    assert post(visitor, 2, {}).status_code == 400  # required on the page it is shown
    assert post(visitor, 2, {field("conjoint"): SCRIPT})["Location"] == page_url(3)
    page = visitor.get(page_url(3)).content.decode()
    assert SCRIPT not in page and html.escape(SCRIPT) in page  # the piped answer is text
    assert "Un mot sur votre foyer ? Produit : Plan épargne logement." in page
    assert "{" not in page.split("<form")[1].split("</form>")[0]


def test_a_hidden_questions_answer_is_not_kept(visitor):
    post(visitor, 1, {field("statut"): "seul", field("nombre"): "3", field("produit"): "livret"})
    assert "nombre" not in stored()


def test_a_hidden_choice_is_refused(visitor):
    reply = post(visitor, 1, {field("statut"): "seul", field("produit"): "pel"})
    assert reply.status_code == 400 and "produit" not in stored()


def test_changing_an_earlier_answer_drops_the_answers_it_hides_at_submission(visitor):
    post(visitor, 1, {field("statut"): "couple", field("nombre"): "2", field("produit"): "pel"})
    post(visitor, 2, {field("conjoint"): "Jo"})
    assert post(visitor, 1, {field("statut"): "seul", field("produit"): "livret"})["Location"] == page_url(2)
    assert post(visitor, 2, {field("avis"): "Fin"})["Location"] == reverse("surveys:thanks", args=[SLUG])
    assert set(stored()) == {"statut", "produit", "avis"}


def test_a_page_reading_its_own_answers_refreshes_with_a_submit_keeping_entries(visitor):
    page = visitor.get(page_url(1)).content.decode()
    assert 'value="refresh"' in page and "surveys/logic.js" in page and "data-refresh" in page
    reply = post(visitor, 1, {field("statut"): "couple", field("nombre"): "abc"}, action="refresh")
    page = reply.content.decode()
    assert reply.status_code == 200 and "Combien d&#x27;enfants" in page and "Plan épargne logement" in page
    assert re.search(r'value="couple"[^>]*checked', page) and not re.search(r'value="seul"[^>]*checked', page)
    assert 'value="abc"' in page  # kept as typed, not checked yet
    assert "error-summary" not in page
    assert not Response.objects.exists()  # nothing saved


def test_a_page_without_same_page_conditions_offers_no_refresh(visitor):
    post(visitor, 1, {field("statut"): "seul", field("produit"): "livret"})
    page = visitor.get(page_url(2)).content.decode()
    assert 'value="refresh"' not in page and "surveys/logic.js" not in page


def test_conditions_cost_no_query_per_question(visitor, django_assert_max_num_queries):
    post(visitor, 1, {field("statut"): "couple", field("nombre"): "2", field("produit"): "pel"})
    with django_assert_max_num_queries(8) as shown:
        assert visitor.get(page_url(2)).status_code == 200
    section = Section.objects.get(sort_order=1)
    for number in range(30):
        extra = Question.objects.create(
            survey=section.survey,
            section=section,
            sort_order=10 + number,
            code=f"extra{number}",
            kind=K.SINGLE,
            text_fr=f"Question {number} pour {{prenom}} : {{statut}}",
            show_when=f'statut == "couple" and (nombre > {number % 3} or is_empty(extra{max(number - 1, 0)}))',
        )
        Choice.objects.create(question=extra, code="a", label_fr="A {statut}", sort_order=0, show_when="nombre > 1")
    with django_assert_max_num_queries(len(shown.captured_queries) + 4):  # the edited structure read again, once
        assert visitor.get(page_url(2)).status_code == 200
    with django_assert_max_num_queries(len(shown.captured_queries)):
        assert visitor.get(page_url(2)).status_code == 200


def test_saving_a_page_with_conditions_costs_no_query_per_question(visitor, django_assert_max_num_queries):
    data = {field("statut"): "couple", field("nombre"): "2", field("produit"): "pel"}
    post(visitor, 1, data)  # the response created: each save below replaces saved answers, as alike as can be
    with django_assert_max_num_queries(30) as saved:
        assert post(visitor, 1, data).status_code == 302
    saved = len(saved.captured_queries)  # read now: captured_queries is a view of a log that fills up below
    with django_assert_max_num_queries(saved):
        assert post(visitor, 1, data, action="refresh").status_code == 200
    section = Section.objects.get(sort_order=0)
    for number in range(30):
        extra = Question.objects.create(
            survey=section.survey,
            section=section,
            sort_order=10 + number,
            code=f"extra{number}",
            kind=K.SINGLE,
            text_fr=f"Question {number} : {{statut}}",
            show_when=f'statut == "couple" and nombre > {number % 3}',
        )
        Choice.objects.create(question=extra, code="a", label_fr="A {nombre}", sort_order=0, show_when="nombre > 1")
        data[f"q{extra.pk}"] = "a"
    post(visitor, 1, data, action="refresh")  # the edited structure read once into the cache (surveys.structure)
    with django_assert_max_num_queries(saved):
        reply = post(visitor, 1, data)
    assert reply.status_code == 302, re.findall(r'class="error"[^>]*>(.*?)</p>', reply.content.decode())[:3]
    assert Answer.objects.filter(question__code__startswith="extra").count() == 20  # "nombre > 2" hides 10
