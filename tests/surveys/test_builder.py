"""The survey builder (surveys/builder_forms.py, builder.py): the survey, its pages and questions saved from one
form, choices typed one per line, conditions given by an earlier question and its choices (labels become codes,
unknown answers are refused naming the possible ones), the order given by dragging, and the preview."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text

from surveys.builder import answer_condition_in_words, choice_lines
from surveys.models import Choice, Question, Survey
from tests.admin_pages import refused

pytestmark = pytest.mark.django_db

PAGES = ["Vos priorités", "Vos attentes"]
# (page, code, kind, text, choices typed, condition (code, answers))
QUESTIONS = [
    (1, "", "single", "Votre priorité pour votre épargne ?", "Écologie\nRendement\nsecu = Sécurité", None),
    (1, "", "yes_no", "Avez-vous un livret ?", "", None),
    (2, "", "scale", "Votre intérêt pour un livret vert ?", "", None),
    (2, "", "long_text", "Que devrait financer votre épargne ?", "", ("Q1", "Écologie")),
]


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def builder_data(title="Livret vert", pages=PAGES, questions=QUESTIONS, ids=None):
    """The POST of the builder's form; ``ids``: {"sections": [pk...], "questions": [pk...]} of saved rows."""
    ids = ids or {}
    data = {
        "title_fr": title,
        "title_en": "",
        "concept_fr": rich_text(""),
        "concept_en": rich_text(""),
        **{name: "" for name in ("thank_you_fr", "thank_you_en", "concept_image_alt_fr", "concept_image_alt_en")},
        **management("sections", len(pages), len(ids.get("sections", []))),
        **management("questions", len(questions), len(ids.get("questions", []))),
    }
    for number, title_fr in enumerate(pages):
        data.update(
            {
                f"sections-{number}-{name}": value
                for name, value in {
                    "title_fr": title_fr,
                    "ORDER": str(number + 1),
                    "id": (ids.get("sections") or [""] * len(pages))[number]
                    if number < len(ids.get("sections", []))
                    else "",
                    "DELETE": "",
                    "show_if_values": "",
                    "show_when": "",
                }.items()
            }
        )
    for number, (page, code, kind, text, choices, condition) in enumerate(questions):
        saved = ids.get("questions", [])
        fields = {
            "page": str(page),
            "code": code,
            "kind": kind,
            "text_fr": text,
            "text_en": "",
            "choices_text": choices,
            "show_if_code": condition[0] if condition else "",
            "show_if_answers": condition[1] if condition else "",
            "ORDER": str(number + 1),
            "id": saved[number] if number < len(saved) else "",
            "DELETE": "",
        }
        data.update({f"questions-{number}-{name}": value for name, value in fields.items()})
    return data


def build(client, **kwargs):
    response = client.post(reverse("wagtailsnippets_surveys_survey:add"), builder_data(**kwargs))
    assert response.status_code == 302, errors_of(response)
    return Survey.objects.get(title_fr=kwargs.get("title", "Livret vert"))


def errors_of(response):
    form = response.context["form"] if response.context else None
    if form is None:
        return response.content.decode()[:2000]
    return [form.errors] + [[f.errors for f in formset.forms] for formset in form.formsets.values()]


def test_a_survey_its_pages_and_four_questions_with_a_condition_are_built_in_one_form(client_for, product_user):
    survey = build(client_for(product_user))
    questions = list(Question.objects.filter(survey=survey).select_related("section", "show_if_question"))
    assert [(q.code, q.kind, q.section.title_fr) for q in questions] == [
        ("Q1", "single", "Vos priorités"),
        ("Q2", "yes_no", "Vos priorités"),
        ("Q3", "scale", "Vos attentes"),
        ("Q4", "long_text", "Vos attentes"),
    ]
    assert [(c.code, c.label_fr) for c in questions[0].choices.all()] == [
        ("ecologie", "Écologie"),
        ("rendement", "Rendement"),
        ("secu", "Sécurité"),
    ]
    assert questions[2].points == 5  # a scale gets five points unless told
    last = questions[3]
    assert (last.show_if_question, last.show_if_values) == (questions[0], "ecologie")  # the label became its code
    assert answer_condition_in_words(last) == (
        "Montrée seulement si Q1 (« Votre priorité pour votre épargne ? ») a pour réponse « Écologie »."
    )


def test_an_answer_the_question_cannot_have_is_refused_naming_the_ones_it_can(client_for, product_user):
    questions = [*QUESTIONS[:3], (2, "", "long_text", "Pourquoi ?", "", ("Q1", "Ecolo"))]
    response = client_for(product_user).post(
        reverse("wagtailsnippets_surveys_survey:add"), builder_data(questions=questions)
    )
    assert response.status_code == 200 and not Survey.objects.exists()
    [message] = response.context["form"].formsets["questions"].forms[3].errors["show_if_answers"]
    assert "« Ecolo »" in message and "« Écologie », « Rendement », « Sécurité »" in message


@pytest.mark.parametrize("page", [1, 2])
def test_a_condition_on_a_question_of_the_same_or_a_later_page_is_refused(client_for, product_user, page):
    questions = [(page, "", "single", "Laquelle ?", "A\nB", None), (1, "", "long_text", "Pourquoi ?", "", ("Q1", "A"))]
    response = client_for(product_user).post(
        reverse("wagtailsnippets_surveys_survey:add"), builder_data(questions=questions)
    )
    assert response.status_code == 200
    assert "page précédente" in str(response.context["form"].formsets["questions"].forms[1].errors)


def test_a_condition_names_a_question_of_this_survey(client_for, product_user):
    questions = [QUESTIONS[0], (2, "", "long_text", "Pourquoi ?", "", ("Q9", "A"))]
    response = client_for(product_user).post(
        reverse("wagtailsnippets_surveys_survey:add"), builder_data(questions=questions)
    )
    errors = response.context["form"].formsets["questions"].forms[1].errors["show_if_code"]
    assert errors == ["Aucune question de ce questionnaire n'a le code « Q9 »."]


def test_questions_take_the_order_they_are_dragged_to_and_choices_keep_their_rows(client_for, product_user):
    client = client_for(product_user)
    survey = build(client)
    sections = list(survey.sections.values_list("pk", flat=True))
    saved = list(Question.objects.filter(survey=survey).values_list("pk", flat=True))
    ecologie = Choice.objects.get(question_id=saved[0], code="ecologie")
    data = builder_data(ids={"sections": sections, "questions": saved})
    data["questions-0-code"], data["questions-1-code"] = "Q1", "Q2"
    data["questions-2-code"], data["questions-3-code"] = "Q3", "Q4"
    data["questions-0-ORDER"], data["questions-1-ORDER"] = "2", "1"  # the yes/no question dragged above
    data["questions-0-choices_text"] = "ecologie = Écologie solidaire\nrendement = Rendement"
    data["questions-3-show_if_answers"] = "ecologie"  # the old label is no answer any more: refused otherwise
    response = client.post(reverse("wagtailsnippets_surveys_survey:edit", args=[survey.pk]), data)
    assert response.status_code == 302, errors_of(response)
    assert list(Question.objects.filter(survey=survey).values_list("code", flat=True)) == ["Q2", "Q1", "Q3", "Q4"]
    kept = Choice.objects.get(question_id=saved[0], code="ecologie")
    assert (kept.pk, kept.label_fr) == (ecologie.pk, "Écologie solidaire")
    assert not Choice.objects.filter(question_id=saved[0], code="secu").exists()


def test_the_preview_beside_the_builder_shows_the_unsaved_survey_with_its_condition_in_words(client_for, product_user):
    client = client_for(product_user)
    url = reverse("wagtailsnippets_surveys_survey:preview_on_add")
    response = client.post(url, builder_data())
    assert response.json()["is_valid"], response.content
    page = client.get(url).content.decode()
    assert "Votre priorité pour votre épargne ?" in page and "Sécurité" in page
    assert "a pour réponse « Écologie »" in page and not Survey.objects.exists()


def test_choices_typed_one_per_line_get_codes_made_from_their_labels():
    assert choice_lines("Écologie\n\n  Prix bas  \nprix = Le prix\nÉcologie") == [
        ("ecologie", "Écologie"),
        ("prix-bas", "Prix bas"),
        ("prix", "Le prix"),
        ("ecologie-2", "Écologie"),
    ]


def test_only_the_product_team_builds_surveys(client_for, analyst_user, editor_user):
    for user in (analyst_user, editor_user):
        response = client_for(user).post(reverse("wagtailsnippets_surveys_survey:add"), builder_data())
        assert refused(response) and not Survey.objects.exists()
