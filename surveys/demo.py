"""A demo concept survey with every question type, a condition on a page and one on a question, an expression
condition (``show_when``) and piping (``{prenom}``). Idempotent: the campaign keeps the survey it has."""

from django.db import transaction

from surveys.models import Choice, MatrixRow, Question, Section, Survey
from surveys.structure import survey_changed

K = Question.Kind

# (page title fr, en, condition), then its questions: (code, kind, text fr, text en, options)
DEMO_PAGES = [
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
                'Quel intérêt a pour vous ce budget automatique{if(prenom != "", ", " + prenom)} ?',
                'How interesting is this automatic budget{if(prenom != "", ", " + prenom)}?',
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
                        ("prix", "le prix", "price"),
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
                    "show_when": 'usage != "jamais"',
                    "choices": [
                        ("alertes", "Alertes de dépenses", "Spending alerts"),
                        ("objectifs", "Objectifs d'épargne", "Savings goals"),
                        ("categories", "Catégories personnalisées", "Custom categories"),
                    ],
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


@transaction.atomic
def seed_survey(campaign):
    """The demo survey of ``campaign`` (created if it has none)."""
    existing = Survey.objects.filter(campaign=campaign).first()
    if existing:
        return existing
    survey = Survey.objects.create(
        campaign=campaign,
        title_fr="Budget automatique dans l'appli",
        title_en="Automatic budget in the app",
        concept_fr="<p>Chaque mois, l'application classe vos dépenses et vous propose un budget par poste. "
        "Vous êtes alerté avant de le dépasser.</p>",
        concept_en="<p>Each month, the app sorts your spending and suggests a budget per category. "
        "You are warned before going over it.</p>",
        thank_you_fr="Merci ! L'équipe produit vous dira ce qu'elle a retenu.",
        thank_you_en="Thank you! The product team will tell you what it took on board.",
    )
    by_code = {}
    for order, ((title_fr, title_en, condition), questions) in enumerate(DEMO_PAGES):
        section = Section.objects.create(survey=survey, sort_order=order, title_fr=title_fr, title_en=title_en)
        if condition:
            section.show_if_question, section.show_if_values = by_code[condition[0]], condition[1]
            section.save()
        for position, spec in enumerate(questions):
            question = _question_create(survey, section, position, spec, by_code)
            by_code[question.code] = question
    return survey


def _question_create(survey, section, position, spec, by_code):
    """One demo question with its choices and rows; ``by_code`` holds the earlier questions its condition names."""
    code, kind, text_fr, text_en, options = spec
    options = dict(options)
    choices, rows = options.pop("choices", []), options.pop("rows", [])
    condition = options.pop("condition", None)
    question = Question.objects.create(
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
        Choice(question=question, sort_order=index, code=choice_code, label_fr=fr, label_en=en)
        for index, (choice_code, fr, en) in enumerate(choices)
    )
    MatrixRow.objects.bulk_create(
        MatrixRow(question=question, sort_order=index, code=row_code, label_fr=fr, label_en=en)
        for index, (row_code, fr, en) in enumerate(rows)
    )
    survey_changed(question.survey_id)  # bulk writes send no signal
    return question
