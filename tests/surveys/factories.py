"""Builders for survey tests: ``budget_survey``, a product-concept survey with a question of every kind, a
condition on a page and one on a question.

Tests rely on its codes, texts and layout: page 1 "usage" (single, required), "fonctions" (multiple, at most
three, with "Autre", in random order) and "banque_principale" (yes/no, required); page 2 "interet" (scale of 5),
"clarte" (Likert), "criteres" (matrix) and "priorites" (ranking); page 3 "nps", "montant" (number, shown when
"fonctions" holds "budget"), "repartition" (several numbers adding up to 10), "date_ouverture", "info"
(displayed text) and "idees" (long text); page 4, shown when "banque_principale" is "non": "autre_banque" (short
text) and "raison" (drop-down with "Autre"). The labels of page 2 carry hostile text (``SCRIPT_LABEL``,
``FORMULA_LABEL``): pages and exports show it as text."""

from django.core.files.base import ContentFile
from django.db import transaction

from surveys.models import Answer, Choice, MatrixRow, Question, Response, Section, Survey
from surveys.types.file_upload import survey_files_storage
from tests.campaigns.factories import SCRIPT

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

K = Question.Kind
SCRIPT_LABEL = f"le prix {SCRIPT}"  # a row of the matrix
FORMULA_LABEL = "=Catégories personnalisées"  # a choice of the ranking: a summary cell starts with it

# Each page: (title fr, title en, condition as (question code, values) or None), then its questions: (code, kind,
# text fr, text en, other fields of the question, including "choices"/"rows" as (code, fr, en) and "condition").
PAGES = [
    (
        ("Votre usage", "Your use", None),
        [
            (
                "usage",
                K.SINGLE,
                "À quelle fréquence utilisez-vous l'application ?",
                "How often do you use the app?",
                {
                    "required": True,
                    "choices": [
                        ("jour", "Tous les jours", "Every day"),
                        ("semaine", "Chaque semaine", "Every week"),
                        ("mois", "Chaque mois", "Every month"),
                        ("jamais", "Jamais", "Never"),
                    ],
                },
            ),
            (
                "fonctions",
                K.MULTIPLE,
                "Quelles fonctions utilisez-vous ?",
                "Which features do you use?",
                {
                    "allow_other": True,
                    "randomize": True,
                    "max_choices": 3,
                    "help_fr": "Trois au plus.",
                    "help_en": "Three at most.",
                    "choices": [
                        ("virement", "Virements", "Transfers"),
                        ("budget", "Suivi du budget", "Budget tracking"),
                        ("epargne", "Épargne", "Savings"),
                        ("carte", "Gestion de la carte", "Card settings"),
                    ],
                },
            ),
            (
                "banque_principale",
                K.YES_NO,
                "Sommes-nous votre banque principale ?",
                "Are we your main bank?",
                {"required": True},
            ),
        ],
    ),
    (
        ("Le concept", "The concept", None),
        [
            (
                "interet",
                K.SCALE,
                "Quel intérêt a pour vous ce budget automatique ?",
                "How interesting is this automatic budget?",
                {
                    "required": True,
                    "points": 5,
                    "low_label_fr": "Aucun",
                    "low_label_en": "None",
                    "high_label_fr": "Très grand",
                    "high_label_en": "Very high",
                },
            ),
            (
                "clarte",
                K.LIKERT,
                "« Le concept est clair. »",
                "“The concept is clear.”",
                {
                    "choices": [
                        ("1", "Pas du tout d'accord", "Strongly disagree"),
                        ("2", "Pas d'accord", "Disagree"),
                        ("3", "Ni l'un ni l'autre", "Neither"),
                        ("4", "D'accord", "Agree"),
                        ("5", "Tout à fait d'accord", "Strongly agree"),
                    ]
                },
            ),
            (
                "criteres",
                K.MATRIX,
                "Quelle importance donnez-vous à…",
                "How important is…",
                {
                    "rows": [
                        ("securite", "la sécurité", "security"),
                        ("simplicite", "la simplicité", "simplicity"),
                        ("prix", SCRIPT_LABEL, "price"),
                    ],
                    "choices": [("1", "Faible", "Low"), ("2", "Moyenne", "Medium"), ("3", "Forte", "High")],
                },
            ),
            (
                "priorites",
                K.RANKING,
                "Classez ces améliorations",
                "Rank these improvements",
                {
                    "choices": [
                        ("alertes", "Alertes de dépenses", "Spending alerts"),
                        ("objectifs", "Objectifs d'épargne", "Savings goals"),
                        ("categories", FORMULA_LABEL, "Custom categories"),
                    ]
                },
            ),
        ],
    ),
    (
        ("Pour finir", "Finally", None),
        [
            (
                "nps",
                K.NPS,
                "Recommanderiez-vous l'application à un proche ?",
                "Would you recommend the app to a friend?",
                {"required": True},
            ),
            (
                "montant",
                K.NUMBER,
                "Quel budget mensuel suivez-vous (en euros) ?",
                "What monthly budget do you track (euros)?",
                {"min_value": 0, "max_value": 100000, "condition": ("fonctions", "budget")},
            ),
            (
                "repartition",
                K.MULTIPLE_NUMERIC,
                "Répartissez 10 points entre ces usages",
                "Split 10 points between these uses",
                {
                    "min_value": 0,
                    "settings": {"total": "10"},
                    "rows": [("payer", "Payer", "Paying"), ("suivre", "Suivre son budget", "Tracking one's budget")],
                },
            ),
            (
                "date_ouverture",
                K.DATE,
                "Depuis quand avez-vous votre compte ?",
                "Since when have you had your account?",
                {},
            ),
            (
                "info",
                K.DISPLAY,
                "Merci ! Une dernière question, facultative.",
                "Thank you! One last, optional, question.",
                {},
            ),
            ("idees", K.LONG_TEXT, "Que devrions-nous améliorer d'abord ?", "What should we improve first?", {}),
        ],
    ),
    (
        ("Votre banque actuelle", "Your current bank", ("banque_principale", "non")),
        [
            ("autre_banque", K.SHORT_TEXT, "Quelle est votre banque principale ?", "Which is your main bank?", {}),
            (
                "raison",
                K.SINGLE,
                "Pourquoi une autre banque est-elle votre banque principale ?",
                "Why is another bank your main bank?",
                {
                    "dropdown": True,
                    "allow_other": True,
                    "choices": [
                        ("tarifs", "Ses tarifs", "Its fees"),
                        ("proximite", "Son agence proche", "A branch nearby"),
                        ("historique", "Par habitude", "Habit"),
                    ],
                },
            ),
        ],
    ),
]
SURVEY = {
    "anonymous": False,  # identified, as the tests of an identified survey's exports expect (default: anonymous)
    "title_fr": "Budget automatique dans l'appli",
    "title_en": "Automatic budget in the app",
    "concept_fr": "<p>Chaque mois, l'application classe vos dépenses et vous propose un budget par poste. "
    "Vous êtes alerté avant de le dépasser.</p>",
    "concept_en": "<p>Each month, the app sorts your spending and suggests a budget per category. "
    "You are warned before going over it.</p>",
    "thank_you_fr": "Merci ! L'équipe produit vous dira ce qu'elle a retenu.",
    "thank_you_en": "Thank you! The product team will tell you what it took on board.",
}


def question(survey, section, position, by_code, code, kind, text_fr, text_en, options):
    options = dict(options)
    choices, rows = options.pop("choices", []), options.pop("rows", [])
    condition = options.pop("condition", None)
    created = Question.objects.create(
        survey=survey,
        section=section,
        sort_order=position,
        code=code,
        kind=kind,
        text_fr=text_fr,
        text_en=text_en,
        show_if_question=by_code[condition[0]] if condition else None,
        show_if_values=condition[1] if condition else "",
        **options,
    )
    Choice.objects.bulk_create(
        Choice(question=created, sort_order=index, code=choice_code, label_fr=fr, label_en=en)
        for index, (choice_code, fr, en) in enumerate(choices)
    )
    MatrixRow.objects.bulk_create(
        MatrixRow(question=created, sort_order=index, code=row_code, label_fr=fr, label_en=en)
        for index, (row_code, fr, en) in enumerate(rows)
    )
    return created


@transaction.atomic
def budget_survey(campaign=None, **fields):
    """The survey of ``PAGES`` for ``campaign`` (or unattached), its texts ``SURVEY`` overridden by ``fields``."""
    survey = Survey.objects.create(campaign=campaign, **{**SURVEY, **fields})
    by_code = {}
    for order, ((title_fr, title_en, condition), questions) in enumerate(PAGES):
        section = Section.objects.create(survey=survey, sort_order=order, title_fr=title_fr, title_en=title_en)
        if condition:
            section.show_if_question, section.show_if_values = by_code[condition[0]], condition[1]
            section.save()
        for position, spec in enumerate(questions):
            by_code[spec[0]] = question(survey, section, position, by_code, *spec)
    return survey


def sent_file(survey, invitation, content=PDF, name="devis.pdf"):
    """A file question added to ``survey`` (which then takes files) and the file ``invitation``'s ambassador sent
    for it, stored in the private storage; returns the Answer holding it."""
    Survey.objects.filter(pk=survey.pk).update(allow_uploads=True)
    section = survey.sections.order_by("sort_order").first()
    asked = Question.objects.create(
        survey=survey, section=section, code="justificatif", kind="file_upload", text_fr="Votre devis", sort_order=99
    )
    stored = survey_files_storage().save(f"survey-files/{asked.pk}/0123456789abcdef/{name}", ContentFile(content))
    response, _created = Response.objects.get_or_create(invitation=invitation, defaults={"survey": survey})
    return Answer.objects.create(response=response, question=asked, text=stored)


def builder_questions_data(survey):
    """The questions part of the survey builder's POST, each saved question as it stands (pages by number)."""
    questions = list(Question.objects.filter(survey=survey).select_related("section", "show_if_question"))
    pages = {pk: number for number, pk in enumerate(survey.sections.values_list("pk", flat=True), 1)}
    data = {
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(len(questions)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for index, question in enumerate(questions):
        fields = {
            "id": question.pk,
            "page": pages[question.section_id],
            "code": question.code,
            "kind": question.kind,
            "text_fr": question.text_fr,
            "text_en": question.text_en,
            "required": "on" if question.required else "",
            "choices_text": "\n".join(f"{choice.code} = {choice.label_fr}" for choice in question.choices.all()),
            "show_if_code": question.show_if_question.code if question.show_if_question else "",
            "show_if_answers": question.show_if_values,
            "ORDER": str(index + 1),
            "DELETE": "",
        }
        data.update({f"questions-{index}-{name}": value for name, value in fields.items() if value != ""})
    return data
