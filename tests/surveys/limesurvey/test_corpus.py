"""The real LimeSurvey exports of ../shared/peers/limesurvey/ imported with their logic: every file imports (one
holding nothing to answer would be refused), every condition and piped text is one of ours, no brace of
LimeSurvey's tailoring reaches an ambassador, and each survey is answered along branches of its conditions."""

import datetime
from decimal import Decimal

import pytest

from surveys.answering import missing_answers
from surveys.answering import survey_plan as answering_plan
from surveys.limesurvey import LimeSurveyError, survey_import, survey_plan
from surveys.logic.expressions import Outline, check, parse
from surveys.logic.piping import pieces
from surveys.models import Answer, Choice, MatrixRow, Question, Section, Survey
from tests.surveys.peers import PEERS

pytestmark = pytest.mark.django_db

FILE_UPLOAD_ONLY = "limesurvey_survey_561859_file_upload_only.lss"
FILES = sorted(path.name for path in PEERS.glob("*.lss"))
IMPORTED = FILES


def texts_of(survey):
    """Every text an ambassador may see, with where it is."""
    for section in survey.sections.all():
        for name in ("title_fr", "title_en", "intro_fr", "intro_en"):
            yield f"page {section.title_fr}", getattr(section, name)
    for question in Question.objects.filter(survey=survey).prefetch_related("choices", "rows"):
        for name in ("text_fr", "text_en", "help_fr", "help_en"):
            yield question.code, getattr(question, name)
        for option in [*question.choices.all(), *question.rows.all()]:
            yield f"{question.code}.{option.code}", option.label_fr
            yield f"{question.code}.{option.code}", option.label_en


def conditions_of(survey):
    found = [(f"page {section.title_fr}", section.show_when) for section in survey.sections.all()]
    found += [(question.code, question.show_when) for question in Question.objects.filter(survey=survey)]
    for model in (Choice, MatrixRow):
        found += [
            (f"{option.question.code}.{option.code}", option.show_when)
            for option in model.objects.filter(question__survey=survey).select_related("question")
        ]
    return [(where, condition) for where, condition in found if condition]


@pytest.fixture(scope="module")
def plans():
    return {name: survey_plan(PEERS / name) for name in FILES}


def test_every_export_is_in_the_corpus():
    assert len(FILES) == 21 and FILE_UPLOAD_ONLY in FILES


@pytest.mark.parametrize("name", IMPORTED)
def test_every_export_imports_with_its_conditions_and_piping_in_our_language(name):
    survey, report = survey_import(PEERS / name)
    codes = set(Question.objects.filter(survey=survey).values_list("code", flat=True))
    for where, condition in conditions_of(survey):
        references = parse(condition).references()
        assert {ref.split(".")[0] for ref in references if not ref.startswith("ambassador.")} <= codes, where
    for where, text in texts_of(survey):
        for kind, inner, _position in pieces(text or ""):
            assert kind != "stray", (where, text)
            if kind == "expr":
                parse(inner)  # raises when LimeSurvey's tailoring came through untranslated
    assert set(report["conditions"]) == {"translated", "not_translated"}
    outline = Outline.of(survey)
    for item in [
        *survey.sections.all(),
        *Question.objects.filter(survey=survey),
        *Choice.objects.filter(question__survey=survey),
        *MatrixRow.objects.filter(question__survey=survey),
    ]:
        assert check(item.show_when, survey, item, outline) == [], (item, item.show_when)


def test_the_file_upload_only_export_holds_one_question_to_answer():
    survey, _report = survey_import(PEERS / FILE_UPLOAD_ONLY)
    assert [question.kind for question in Question.objects.filter(survey=survey)] == ["file_upload"]
    assert survey.allow_uploads


def test_a_file_holding_nothing_to_answer_is_refused_and_creates_nothing():
    """The file upload export with its only question turned into an equation, which we do not import."""
    content = (PEERS / FILE_UPLOAD_ONLY).read_bytes()
    assert content.count(b"<type><![CDATA[|]]></type>") == 1
    content = content.replace(b"<type><![CDATA[|]]></type>", b"<type><![CDATA[*]]></type>")
    with pytest.raises(LimeSurveyError, match="aucune question à laquelle répondre.*Q00.*équation"):
        survey_import(content)
    assert not Survey.objects.exists() and not Section.objects.exists()


def test_over_nine_in_ten_conditions_of_the_corpus_are_translated(plans):
    """The per-file count of the closing note (``report["conditions"]``), and the corpus total."""
    counts = {name: plan.report["conditions"] for name, plan in plans.items()}
    translated = sum(count["translated"] for count in counts.values())
    lost = sum(count["not_translated"] for count in counts.values())
    assert translated + lost > 300
    assert translated / (translated + lost) > 0.9
    for name in ("limesurvey_ls2_group_relevance.lss", "limesurvey_survey_previewGroupQuestion.lss"):
        assert counts[name]["translated"] > 0 and counts[name]["not_translated"] == 0, name


def test_the_report_lists_only_what_cannot_be_expressed(plans):
    for plan in plans.values():
        for line in plan.report["not_mapped"]:
            assert "non importée, la question est toujours affichée" not in line
            assert "laissées telles quelles" not in line
    lines = plans["limesurvey_ls5_EM_question_attributes.lss"].report["not_mapped"]
    assert any(line.startswith("Question report3 : retiré du texte") and "q5pointChoice" in line for line in lines)


# --- answering along the branches ----------------------------------------------------------------------------


def filled(question, pick):
    """Unsaved answers to ``question``: the first choices and small numbers (``pick`` 0), or others (1, 2)."""
    choices, rows = list(question.choices.all()), list(question.rows.all())
    kind = question.kind
    if kind == "display":
        return []
    if kind == "yes_no":
        return [Answer(question=question, number=1 if pick == 0 else 0)]
    if kind in ("array_numbers", "array_texts"):
        value = {"number": pick + 1} if kind == "array_numbers" else {"text": "x"}
        return [Answer(question=question, row=row, choice=column, **value) for row in rows for column in choices]
    if rows and choices:
        return [Answer(question=question, row=row, choice=choices[pick % len(choices)]) for row in rows]
    if rows:
        return [Answer(question=question, row=row, number=pick + 1) for row in rows]
    if kind == "multiple":
        return [Answer(question=question, choice=choice) for choice in choices[: pick + 1]]
    if kind == "ranking":
        return [Answer(question=question, choice=choice, number=rank) for rank, choice in enumerate(choices, 1)]
    if choices:
        return [Answer(question=question, choice=choices[pick % len(choices)])]
    if kind in ("number", "scale", "nps"):
        return [Answer(question=question, number=Decimal(pick + 1))]
    if kind == "date":
        return [Answer(question=question, date=datetime.date(2020, 1, 1 + pick))]
    if kind == "time":
        return [Answer(question=question, number=Decimal(600 + pick))]
    return [Answer(question=question, text=str(pick + 1))]  # a text that also reads as a number


def answered(survey, answers_of=None, ambassador=None):
    """The answering plan of ``survey`` with the answers ``answers_of(question)`` gives ({code: answers})."""
    plan = answering_plan(survey, ambassador=ambassador)
    for question in plan.questions.values():
        answers = answers_of(question) if answers_of else []
        if answers:
            plan.answers[question.pk] = answers
    return plan


def shown(plan):
    """(page titles shown, question codes shown, {code: choice and row codes offered})."""
    pages = plan.visible_sections()
    questions = [question for section in pages for question in plan.visible_questions(section)]
    offered = {}
    for question in questions:
        hidden = set(plan.hidden_rows(question))
        rows = [row.code for row in question.rows.all() if row not in hidden]
        offered[question.code] = rows or [choice.code for choice in plan.offered_choices(question)]
    return [section.title_en or section.title_fr for section in pages], [q.code for q in questions], offered


def piped_texts(plan):
    piper = plan.piper("fr")
    for section in plan.visible_sections():
        yield piper(section.title_fr)
        yield piper(section.intro_fr)
        for question in plan.visible_questions(section):
            yield piper(question.text_fr)
            yield piper(question.help_fr)
            for option in [*plan.offered_choices(question), *question.rows.all()]:
                yield piper(option.label_fr)


@pytest.mark.parametrize("name", IMPORTED)
def test_every_export_is_answered_along_branches_and_no_brace_reaches_a_page(name):
    survey, report = survey_import(PEERS / name)
    seen = set()
    for pick in (None, 0, 1, 2):
        plan = answered(survey, None if pick is None else (lambda question, pick=pick: filled(question, pick)))
        pages, questions, offered = shown(plan)
        assert pages or not survey.sections.exists()
        for text in piped_texts(plan):
            assert "{" not in text and "}" not in text, text
        seen.add((tuple(pages), tuple(questions), tuple(sorted((k, tuple(v)) for k, v in offered.items()))))
    if report["conditions"]["translated"]:
        assert len(seen) > 1, "the conditions never change what is shown"


def codes_answers(survey, values):
    """answers_of for ``answered``: {code: value} as a choice code, a list of codes, a number or a text."""
    by_code = {question.code: question for question in Question.objects.filter(survey=survey)}

    def answers_of(question):
        if question.code not in values:
            return []
        value = values[question.code]
        choices = {choice.code: choice for choice in question.choices.all()}
        if question.kind == "yes_no":
            return [Answer(question=question, number=1 if value == "Y" else 0)]
        if isinstance(value, list):
            return [Answer(question=question, choice=choices[code]) for code in value]
        if isinstance(value, dict):
            rows = {row.code: row for row in question.rows.all()}
            return [Answer(question=question, row=rows[row], choice=choices[code]) for row, code in value.items()]
        if value in choices:
            return [Answer(question=question, choice=choices[value])]
        if isinstance(value, int):
            return [Answer(question=question, number=Decimal(value))]
        return [Answer(question=question, text=value)]

    assert set(values) <= set(by_code)
    return answers_of


def test_census_someone_living_alone_sees_no_person_page():
    survey, _report = survey_import(PEERS / "limesurvey_ls2_group_relevance.lss")
    alone = {"name": "Léa", "gender": "F", "age": 40, "cohabs": 0}
    pages, questions, _offered = shown(answered(survey, codes_answers(survey, alone)))
    assert not any(page.startswith("Person") for page in pages)
    assert "p1_name" not in questions
    plan = answered(survey, codes_answers(survey, alone))
    assert not any(question.code.startswith("p") for _section, question in missing_answers(plan))


def test_census_two_cohabitants_see_two_person_pages_each_after_the_other():
    survey, _report = survey_import(PEERS / "limesurvey_ls2_group_relevance.lss")
    answers = {"name": "Léa", "gender": "F", "age": 40, "cohabs": 2}
    pages, _questions, _offered = shown(answered(survey, codes_answers(survey, answers)))
    assert [page for page in pages if page.startswith("Person")] == ["Person 1"]
    answers |= {"p1_sex": "M", "p1_name": "Paul", "p1_age": 12, "p1_rel": "3"}
    plan = answered(survey, codes_answers(survey, answers))
    pages, _questions, _offered = shown(plan)
    assert [page for page in pages if page.startswith("Person")] == ["Person 1", "Person 2"]
    summary = next(question for question in plan.questions.values() if question.code == "p1_sum")
    text = plan.piper("fr")(summary.text_fr)
    assert "Paul is a 12 year old man" in text and "{" not in text


def test_preview_group_question_q01_other_than_yes_hides_the_page():
    survey, _report = survey_import(PEERS / "limesurvey_survey_previewGroupQuestion.lss")
    page = "Preview group checking"
    assert page not in shown(answered(survey, codes_answers(survey, {"Q01": "N"})))[0]
    assert page not in shown(answered(survey))[0]
    assert page in shown(answered(survey, codes_answers(survey, {"Q01": "Y"})))[0]


@pytest.mark.parametrize(
    "name",
    ["limesurvey_ls3_sample_survey_multilingual_fr_de_en_it.lss", "limesurvey_ls191_sample_survey_multilingual.lss"],
)
def test_conditions_and_scenarios_show_the_text_matching_the_answer(name):
    survey, _report = survey_import(PEERS / name)
    _pages, questions, _offered = shown(answered(survey, codes_answers(survey, {"QC": "Y"})))
    assert "QCYes" in questions and "QCNo" not in questions and "QCDefault" not in questions
    _pages, questions, _offered = shown(answered(survey))
    assert "QCDefault" in questions and "QCYes" not in questions
    _pages, questions, _offered = shown(answered(survey, codes_answers(survey, {"QCS1": ["SH101"]})))
    assert "QCS3" in questions and "CC01" in questions and "QC02" not in questions


def test_array_filters_offer_only_the_rows_checked_in_the_filter_question():
    survey, _report = survey_import(PEERS / "limesurvey_ls3_sample_survey_multilingual_fr_de_en_it.lss")
    _pages, _questions, offered = shown(answered(survey, codes_answers(survey, {"AF": ["SQ01", "SQ03"]})))
    assert offered["FAF"] == ["SQ01", "SQ03"]
    assert [code for code in offered["FAFE"] if code.startswith("SQ")] == ["SQ02", "SQ04"]


def test_subquestion_relevance_offers_a_choice_once_the_one_it_reads_is_checked():
    survey, _report = survey_import(PEERS / "limesurvey_ls206_em_subquestion_relevance.lss")
    controller = {"controller": {"fruit": "1", "apples": "1", "citrus": "0", "mango": "0"}}
    _pages, questions, offered = shown(answered(survey, codes_answers(survey, controller)))
    assert "MC" in questions and "01" in offered["MC"] and "02" not in offered["MC"] and "07" not in offered["MC"]
    _pages, questions, offered = shown(answered(survey, codes_answers(survey, {**controller, "MC": ["01"]})))
    assert {"01", "02", "06"} <= set(offered["MC"]) and "08" not in offered["MC"]
    _pages, questions, _offered = shown(answered(survey, codes_answers(survey, {"controller": {"fruit": "0"}})))
    assert "MC" not in questions


def test_mandatory_questions_hidden_by_their_condition_are_not_required():
    survey, _report = survey_import(PEERS / "limesurvey_survey_351443_equations_conditions.lss")
    required = {question.code for question in Question.objects.filter(survey=survey, required=True)}
    assert {"weight", "height"} <= required
    plan = answered(survey, codes_answers(survey, {"CenterID": 12, "MinimumDataOnly": "Y"}))
    missing = {question.code for _section, question in missing_answers(plan)}
    assert not missing & {"weight", "height"}
    plan = answered(survey, codes_answers(survey, {"CenterID": 12, "MinimumDataOnly": "N"}))
    assert {"weight", "height"} <= {question.code for _section, question in missing_answers(plan)}
