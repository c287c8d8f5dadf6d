"""Demo idea boards: a few realistic ideas by invited ambassadors, their votes, and the team's answers on the
roadmap. Idempotent; writes the history directly (no status emails for demo data)."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from ideas.models import Board, Category, Idea, StatusChange, Vote

CATEGORIES = [
    ("paiements", "Paiements", "Payments"),
    ("budget", "Budget", "Budgeting"),
    ("securite", "Sécurité", "Security"),
]

# (title, body, category, status, official answer, votes)
LIVE_IDEAS = [
    (
        "Virement instantané vers un contact du téléphone",
        "Pouvoir envoyer de l'argent à un proche en choisissant son nom dans mes contacts, sans saisir d'IBAN.",
        "paiements",
        Idea.Status.IN_PROGRESS,
        "Nous développons cette fonction avec Wero ; premiers tests en mars.",
        41,
    ),
    (
        "Alertes de budget par catégorie",
        "Recevoir une notification quand je dépasse 80 % de mon budget courses ou loisirs du mois.",
        "budget",
        Idea.Status.PLANNED,
        "Retenue pour la prochaine version de l'application, au deuxième trimestre.",
        33,
    ),
    (
        "Bloquer ma carte pour l'étranger en un geste",
        "Activer ou couper les paiements à l'étranger et en ligne depuis l'écran d'accueil.",
        "securite",
        Idea.Status.DELIVERED,
        "C'est fait : le réglage est dans « Ma carte » depuis la version 7.2.",
        28,
    ),
    (
        "Arrondi automatique vers mon livret",
        "Arrondir chaque paiement par carte à l'euro supérieur et placer la différence sur mon livret A.",
        "budget",
        Idea.Status.UNDER_REVIEW,
        "",
        19,
    ),
    ("Mode sombre", "Un thème sombre pour consulter mes comptes le soir.", "", Idea.Status.NEW, "", 11),
    (
        "Partager un RIB par QR code",
        "Afficher mon RIB sous forme de QR code pour le transmettre en agence ou à un ami.",
        "paiements",
        Idea.Status.NEW,
        "",
        7,
    ),
]
CLOSED_IDEAS = [
    (
        "Épargne programmée le jour de la paie",
        "Un virement automatique vers l'épargne le lendemain du salaire.",
        "budget",
        Idea.Status.DELIVERED,
        "Disponible depuis septembre dans « Mes virements programmés ».",
        52,
    ),
    (
        "Objectifs d'épargne avec une photo",
        "Donner un nom et une image à chaque projet : vacances, voiture, apport.",
        "budget",
        Idea.Status.DELIVERED,
        "Livré en octobre : créez vos projets depuis l'onglet Épargne.",
        37,
    ),
    (
        "Simulateur de rendement des livrets",
        "Voir ce que rapporterait mon épargne sur un an selon le livret choisi.",
        "budget",
        Idea.Status.PLANNED,
        "Prévu pour le printemps, avec les taux à jour.",
        24,
    ),
    (
        "Épargne solidaire en un clic",
        "Reverser une partie des intérêts à une association choisie.",
        "",
        Idea.Status.DECLINED,
        "Nous ne pouvons pas le proposer cette année pour des raisons réglementaires.",
        9,
    ),
]


def seed_board(campaign, ideas, *, days_ago=10):
    """The campaign's board and ``ideas``, posted by its first invited ambassadors and voted by the next ones.
    Returns the board."""
    board, created = Board.objects.get_or_create(
        campaign=campaign,
        defaults={
            "intro_fr": "Proposez vos idées, votez pour celles qui comptent pour vous.",
            "intro_en": "Suggest ideas and vote for the ones that matter to you.",
        },
    )
    if not created:
        return board
    categories = {
        slug: Category.objects.create(board=board, slug=slug, name_fr=fr, name_en=en, sort_order=index)
        for index, (slug, fr, en) in enumerate(CATEGORIES)
    }
    people = list(campaign.invitations.order_by("id").values_list("ambassador_id", flat=True)[:60])
    now = timezone.now()
    for number, (title, body, category, status, answer, votes) in enumerate(ideas):
        idea = Idea.objects.create(
            campaign=campaign,
            title=title,
            body=body,
            category=categories.get(category),
            author_id=people[number % len(people)] if people else None,
            status=status,
        )
        Idea.objects.filter(pk=idea.pk).update(created_at=now - timedelta(days=days_ago - number))
        voters = people[:votes]
        Vote.objects.bulk_create([Vote(idea=idea, ambassador_id=voter) for voter in voters], ignore_conflicts=True)
        Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") + len(voters))
        if answer:
            change = StatusChange.objects.create(
                idea=idea, from_status=Idea.Status.NEW, to_status=status, answer_fr=answer
            )
            StatusChange.objects.filter(pk=change.pk).update(created_at=now - timedelta(days=(days_ago - number) // 2))
    return board
