import html

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Invitation
from surveys.models import Answer, Question, Response, Section, Survey
from tests.surveys.factories import SCRIPT_LABEL

pytestmark = pytest.mark.django_db
SLUG = "banque-mobile"


def page_url(number):
    return reverse("surveys:page", args=[SLUG, number])


def q(survey, code):
    return Question.objects.get(survey=survey, code=code)


def field(survey, code, suffix=""):
    return f"q{q(survey, code).pk}{suffix}"


def choice_pk(survey, code, choice):
    return q(survey, code).choices.get(code=choice).pk


def page_one(survey, main_bank="oui", **extra):
    return {
        field(survey, "usage"): "jour",
        field(survey, "fonctions"): ["budget", "__other__"],
        field(survey, "fonctions", "_other"): "Paiement mobile",
        field(survey, "banque_principale"): main_bank,
        **extra,
    }


def page_two(survey):
    matrix = q(survey, "criteres")
    ranking = q(survey, "priorites")
    data = {field(survey, "interet"): "4", field(survey, "clarte"): "5"}
    for row, code in zip(matrix.rows.all(), ["3", "2", "1"]):
        data[f"q{matrix.pk}_r{row.pk}"] = code
    for choice, rank in zip(ranking.choices.all(), ["2", "1", "3"]):
        data[f"q{ranking.pk}_c{choice.pk}"] = rank
    return data


def page_three(survey):
    split = q(survey, "repartition")
    return {
        field(survey, "nps"): "9",
        field(survey, "montant"): "1 250,50",
        **{f"q{split.pk}_r{row.pk}": points for row, points in zip(split.rows.all(), ["7", "3"])},
        field(survey, "date_ouverture"): "2015-03-01",
        field(survey, "idees"): "Des alertes <b>plus</b> claires",
    }


def post(client, number, data, action="next"):
    return client.post(page_url(number), {**data, "action": action})


def test_the_personal_link_leads_to_the_survey_whose_first_page_shows_the_concept(visitor, survey):
    landing = visitor.get(reverse("campaigns:landing", args=[SLUG]))  # a survey-only campaign: straight there
    assert landing.status_code == 302 and landing["Location"] == reverse("surveys:start", args=[SLUG])
    start = visitor.get(reverse("surveys:start", args=[SLUG]))  # the first page at once, posting to its address
    assert start.status_code == 200 and f'action="{page_url(1)}"' in start.content.decode()
    page = visitor.get(page_url(1)).content.decode()
    assert 'action="' not in page  # reached by its number, the page posts to itself
    assert "classe vos dépenses" in page and "À quelle fréquence utilisez-vous" in page
    assert "Page 1 sur 3" in page and "<fieldset>" in page and "<legend" in page


# Types answered through the personal link in their own tests (tests/surveys/types/test_<type>.py), not in the
# budget survey the other tests share.
ANSWERED_IN_THEIR_OWN_TESTS = {"time", "array_numbers", "array_texts", "file_upload"}


def test_every_question_type_is_answered_and_stored(visitor, survey, invitation):
    kinds = set(survey.questions.values_list("kind", flat=True))
    assert kinds == set(Question.Kind) - ANSWERED_IN_THEIR_OWN_TESTS  # the factory has all the others
    assert post(visitor, 1, page_one(survey))["Location"] == page_url(2)
    assert post(visitor, 2, page_two(survey))["Location"] == page_url(3)
    done = post(visitor, 3, page_three(survey))
    assert done.status_code == 302 and done["Location"] == reverse("surveys:thanks", args=[SLUG])

    response = Response.objects.get(invitation=invitation)
    assert response.submitted_at is not None
    invitation.refresh_from_db()
    assert invitation.responded_at is not None

    def stored(code):
        return list(
            Answer.objects.filter(response=response, question__code=code)
            .order_by("pk")
            .values("choice__code", "row__code", "number", "date", "text")
        )

    assert stored("usage") == [{"choice__code": "jour", "row__code": None, "number": None, "date": None, "text": ""}]
    assert {(a["choice__code"], a["text"]) for a in stored("fonctions")} == {("budget", ""), (None, "Paiement mobile")}
    assert [a["number"] for a in stored("banque_principale")] == [1]
    assert [a["number"] for a in stored("interet")] == [4]
    assert [(a["choice__code"], a["number"]) for a in stored("clarte")] == [("5", 5)]
    assert {(a["row__code"], a["choice__code"]) for a in stored("criteres")} == {
        ("securite", "3"),
        ("simplicite", "2"),
        ("prix", "1"),
    }
    assert {(a["choice__code"], a["number"]) for a in stored("priorites")} == {
        ("alertes", 2),
        ("objectifs", 1),
        ("categories", 3),
    }
    assert [a["number"] for a in stored("nps")] == [9]
    assert [str(a["number"].normalize()) for a in stored("montant")] == ["1250.5"]
    assert [(a["row__code"], a["number"]) for a in stored("repartition")] == [("payer", 7), ("suivre", 3)]
    assert [a["date"].isoformat() for a in stored("date_ouverture")] == ["2015-03-01"]
    assert [a["text"] for a in stored("idees")] == ["Des alertes <b>plus</b> claires"]
    assert not stored("info") and not stored("raison") and not stored("autre_banque")

    thanks = html.unescape(visitor.get(done["Location"]).content.decode())
    assert "Merci ! L'équipe produit" in thanks and "Modifier mes réponses" in thanks


def test_invalid_answers_get_messages_next_to_their_fields_and_nothing_is_saved(visitor, survey, invitation):
    data = page_one(
        survey,
        **{
            field(survey, "usage"): "",
            field(survey, "fonctions"): ["budget", "epargne", "carte", "virement"],
            field(survey, "fonctions", "_other"): "",
        },
    )
    data.pop(field(survey, "banque_principale"))
    page = post(visitor, 1, data)
    assert page.status_code == 400
    text = page.content.decode()
    assert 'role="alert"' in text and 'aria-invalid="true"' in text
    assert text.count("Champ requis.") == 2 * 2  # in the summary and next to each field
    assert "Choisissez au plus 3 réponses." in text
    assert not Response.objects.exists()
    assert text.count("checked") == 4  # what was ticked stays ticked

    checks = {
        "nps": ("11", "Sélectionnez un choix valide"),
        "montant": ("-3", "supérieure ou égale à 0"),
        "date_ouverture": ("31/02/2020", "Saisissez une date valide"),
    }
    post(visitor, 1, page_one(survey))
    post(visitor, 2, page_two(survey))
    for code, (value, message) in checks.items():
        page = post(visitor, 3, {**page_three(survey), field(survey, code): value})
        assert page.status_code == 400 and message in page.content.decode(), code
    assert Response.objects.get().submitted_at is None


def test_other_needs_its_text_and_text_needs_other(visitor, survey):
    page = post(visitor, 1, page_one(survey, **{field(survey, "fonctions", "_other"): ""}))
    assert "Précisez votre réponse « Autre »." in page.content.decode()
    data = page_one(survey)
    data[field(survey, "fonctions")] = ["budget"]
    page = post(visitor, 1, data)
    assert "Cochez « Autre »" in page.content.decode()


def test_ranking_refuses_a_rank_used_twice_or_a_gap(visitor, survey):
    post(visitor, 1, page_one(survey))
    ranking = q(survey, "priorites")
    data = page_two(survey)
    first, second, third = ranking.choices.all()
    data.update(
        {f"q{ranking.pk}_c{first.pk}": "1", f"q{ranking.pk}_c{second.pk}": "1", f"q{ranking.pk}_c{third.pk}": ""}
    )
    assert "Chaque rang ne peut servir qu" in post(visitor, 2, data).content.decode()
    data.update({f"q{ranking.pk}_c{second.pk}": "3"})
    assert "sans sauter de rang" in post(visitor, 2, data).content.decode()


def test_a_page_shows_only_when_its_condition_matches_and_hidden_answers_are_dropped(visitor, survey, invitation):
    post(visitor, 1, page_one(survey, main_bank="non"))
    post(visitor, 2, page_two(survey))
    assert "Page 3 sur 4" in visitor.get(page_url(3)).content.decode()
    assert post(visitor, 3, page_three(survey))["Location"] == page_url(4)
    page = visitor.get(page_url(4)).content.decode()
    assert "Pourquoi une autre banque" in page and "<select" in page
    post(visitor, 4, {field(survey, "autre_banque"): "La Banque du Coin", field(survey, "raison"): "tarifs"})
    response = Response.objects.get()
    assert response.submitted_at and Answer.objects.filter(question__code="autre_banque").exists()

    # changing the answer hides the page again: its answers go on the next submission
    post(visitor, 1, page_one(survey, main_bank="oui"))
    post(visitor, 2, page_two(survey))
    assert post(visitor, 3, page_three(survey))["Location"] == reverse("surveys:thanks", args=[SLUG])
    assert not Answer.objects.filter(question__code__in=["autre_banque", "raison"]).exists()


def test_a_question_shows_only_when_its_condition_matches(visitor, survey):
    data = page_one(survey)
    data[field(survey, "fonctions")] = ["epargne"]
    data.pop(field(survey, "fonctions", "_other"))
    post(visitor, 1, data)
    post(visitor, 2, page_two(survey))
    assert "Quel budget mensuel" not in visitor.get(page_url(3)).content.decode()
    post(visitor, 3, page_three(survey))  # the hidden question's value is ignored
    assert not Answer.objects.filter(question__code="montant").exists()


def test_the_ambassador_stops_and_resumes_where_they_left(client, visitor, survey, invitation):
    post(visitor, 1, page_one(survey))
    saved = post(visitor, 2, {field(survey, "interet"): "2"}, action="later")
    assert saved["Location"] == page_url(2)
    assert "Vos réponses sont enregistrées" in visitor.get(page_url(2)).content.decode()
    assert Answer.objects.filter(question__code="interet", number=2).exists()

    client.cookies.clear()  # another day: the link of the email again
    assert client.get(reverse("surveys:start", args=[SLUG])).status_code == 403
    client.get(reverse("campaigns:personal_link", args=[invitation.token]))
    resume = client.get(reverse("surveys:start", args=[SLUG])).content.decode()
    assert f'action="{page_url(2)}"' in resume and "Page 2 sur 3" in resume
    page = client.get(page_url(2)).content.decode()
    assert 'value="2" checked' in page.replace("\n", " ") or "checked" in page
    first = client.get(page_url(1)).content.decode()
    assert 'value="jour"' in first and "Paiement mobile" in first


def test_going_back_keeps_what_is_valid_without_requiring_the_rest(visitor, survey):
    post(visitor, 1, page_one(survey))
    back = post(visitor, 2, {field(survey, "interet"): "3", field(survey, "clarte"): "not-a-choice"}, action="back")
    assert back["Location"] == page_url(1)
    assert Answer.objects.filter(question__code="interet", number=3).exists()
    assert not Answer.objects.filter(question__code="clarte").exists()


def test_answers_stay_editable_until_the_campaign_closes(visitor, survey, invitation):
    post(visitor, 1, page_one(survey))
    post(visitor, 2, page_two(survey))
    post(visitor, 3, page_three(survey))
    first_submission = Response.objects.get().submitted_at
    assert visitor.get(reverse("surveys:start", args=[SLUG]))["Location"] == reverse("surveys:thanks", args=[SLUG])
    assert "déjà envoyé vos réponses" in visitor.get(page_url(1)).content.decode()
    post(visitor, 1, page_one(survey, **{field(survey, "usage"): "mois"}))
    assert Answer.objects.get(question__code="usage").choice.code == "mois"
    assert Response.objects.get().submitted_at == first_submission and Response.objects.count() == 1

    Campaign.objects.filter(pk=invitation.campaign_id).update(status=Campaign.Status.CLOSED, closed_at=timezone.now())
    refused = post(visitor, 1, page_one(survey, **{field(survey, "usage"): "jamais"}))
    assert refused.status_code == 403 and "campagne est close" in refused.content.decode()
    assert Answer.objects.get(question__code="usage").choice.code == "mois"


def test_without_a_personal_link_the_survey_is_refused(client, survey, invitation):
    for url in (reverse("surveys:start", args=[SLUG]), page_url(1), reverse("surveys:thanks", args=[SLUG])):
        assert client.get(url).status_code == 403
    assert client.post(page_url(1), {"action": "next"}).status_code == 403
    assert not Response.objects.exists()


def test_a_visit_for_another_campaign_does_not_open_this_survey(visitor, survey, invitation):
    other = Campaign.objects.create(slug="autre", title="Autre", kind=Campaign.Kind.SURVEY)
    Survey.objects.create(campaign=other, title_fr="Autre")
    assert visitor.get(reverse("surveys:page", args=["autre", 1])).status_code == 403


def test_an_english_speaking_ambassador_sees_english_texts(visitor, survey, invitation):
    invitation.ambassador.locale = "en"
    invitation.ambassador.save()
    page = visitor.get(page_url(1)).content.decode()
    assert "How often do you use the app?" in page and "Every day" in page and 'lang="en"' in page
    assert "Next page" in page
    post(visitor, 1, page_one(survey))
    assert Response.objects.get().locale == "en"


def test_an_english_speaking_ambassador_of_a_campaign_without_english_sees_it_all_in_french(
    visitor, survey, invitation
):
    invitation.ambassador.locale = "en"
    invitation.ambassador.save()
    Campaign.objects.filter(pk=invitation.campaign_id).update(subject_en="", body_en="")
    page = visitor.get(page_url(1)).content.decode()
    assert 'lang="fr"' in page and "Next page" not in page and "How often do you use the app?" not in page


def test_question_texts_are_escaped(visitor, survey):
    Question.objects.filter(code="usage").update(text_fr="<script>alert('x')</script> Fréquence ?")
    page = visitor.get(page_url(1)).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    post(visitor, 1, page_one(survey))
    page = visitor.get(page_url(2)).content.decode()  # a row of the matrix has a script in its label
    assert "<script>alert" not in page and html.escape(SCRIPT_LABEL) in page


def test_the_answer_page_takes_a_fixed_number_of_queries_whatever_the_number_of_questions(
    visitor, survey, django_assert_max_num_queries
):
    post(visitor, 1, page_one(survey))
    data = page_two(survey)
    post(visitor, 2, data, action="later")  # saved once: each save below replaces saved answers, as alike as can be
    connection.queries_log.clear()  # a full log (9,000 queries) captures nothing: the counts would read 0
    with django_assert_max_num_queries(8) as shown:
        assert visitor.get(page_url(2)).status_code == 200
    shown = len(shown.captured_queries)  # read now: captured_queries is a view of the log, cleared below
    connection.queries_log.clear()
    with django_assert_max_num_queries(18) as saved:
        assert post(visitor, 2, data).status_code == 302
    saved = len(saved.captured_queries)
    section = Section.objects.get(survey=survey, sort_order=1)
    for number in range(40):
        question = Question.objects.create(
            survey=survey,
            section=section,
            sort_order=10 + number,
            code=f"extra{number}",
            kind=Question.Kind.MATRIX if number % 2 else Question.Kind.SINGLE,
            text_fr=f"Question {number}",
        )
        question.choices.create(code="a", label_fr="A", sort_order=0)
        question.choices.create(code="b", label_fr="B", sort_order=1)
        if number % 2:
            question.rows.create(code="r", label_fr="Ligne", sort_order=0)
    visitor.get(page_url(2))  # the edited structure read once into the cache (surveys.structure), as before
    connection.queries_log.clear()
    with django_assert_max_num_queries(shown):
        assert visitor.get(page_url(2)).status_code == 200
    connection.queries_log.clear()
    with django_assert_max_num_queries(saved):
        assert post(visitor, 2, data).status_code == 302


def test_one_response_per_invitation_is_enforced_by_the_database(survey, invitation):
    from django.db import IntegrityError, transaction

    Response.objects.create(survey=survey, invitation=invitation)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, invitation=invitation)
    assert Invitation.objects.get().survey_response.survey == survey


def valid_answers(survey, number, client):
    """A valid answer to every question of page ``number`` as the page shows it."""
    from surveys.answering import survey_plan

    response = Response.objects.filter(survey=survey).first()
    plan = survey_plan(survey, response)
    section = plan.visible_sections()[number - 1]
    data = {}
    for question in plan.visible_questions(section):
        name = f"q{question.pk}"
        choices = list(question.choices.all())
        kind = question.kind
        if kind in (Question.Kind.SINGLE, Question.Kind.LIKERT):
            data[name] = choices[0].code
        elif kind == Question.Kind.MULTIPLE:
            data[name] = [choice.code for choice in choices[: max(1, question.min_choices or 1)]]
        elif kind == Question.Kind.YES_NO:
            data[name] = "oui"
        elif kind in (Question.Kind.SCALE, Question.Kind.NPS):
            data[name] = "2"
        elif kind == Question.Kind.MATRIX:
            data.update({f"{name}_r{row.pk}": choices[0].code for row in question.rows.all()})
        elif kind == Question.Kind.RANKING:
            data.update({f"{name}_c{choice.pk}": str(rank) for rank, choice in enumerate(choices, start=1)})
        elif kind == Question.Kind.NUMBER:
            data[name] = str(question.min_value if question.min_value is not None else 1)
        elif kind == Question.Kind.DATE:
            data[name] = "2024-05-01"
        elif kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
            data[name] = "Réponse"
    return data


@pytest.mark.parametrize("name", ["citric_survey.lss", "citric_answers.lss", "limesurvey_survey_XssAndScriptCheck.lss"])
def test_an_imported_limesurvey_survey_renders_and_can_be_answered(client, invitation, name):
    from surveys.limesurvey import survey_import

    Survey.objects.filter(campaign=invitation.campaign).delete()
    from tests.surveys.peers import PEERS

    survey, _report = survey_import(PEERS / name, campaign=invitation.campaign)
    client.get(reverse("campaigns:personal_link", args=[invitation.token]))
    number = 1
    while True:
        page = client.get(page_url(number))
        assert page.status_code == 200 and "<script" not in page.content.decode().split("</header>")[1]
        done = post(client, number, valid_answers(survey, number, client))
        assert done.status_code == 302, done.content.decode()
        if done["Location"].endswith("/merci/"):
            break
        number += 1
    assert Response.objects.get().submitted_at is not None
    assert (
        Answer.objects.filter(response__survey=survey).count() >= survey.questions.exclude(kind="display").count() // 2
    )
