"""Builders for idea tests: ``idea_board``, a campaign's board with categories, ideas by its invited ambassadors,
their votes and comments, and the team's answers to those on the roadmap.

``MOBILE_IDEAS`` and ``SAVINGS_IDEAS`` read like a real board (the browser tests photograph them);
``HOSTILE_IDEA`` (a formula as its title's start, a script in its body) and ``COMMENTS`` (one starting with a
formula, one holding a script) are in the default data: pages and exports must show them as text."""

from datetime import timedelta

from django.utils import timezone

from ideas.models import Board, Category, Comment, Idea, StatusChange, Vote
from tests.campaigns.factories import FORMULA, SCRIPT

CATEGORIES = [
    ("paiements", "Paiements", "Payments"),
    ("budget", "Budget", "Budgeting"),
    ("securite", "Sécurité", "Security"),
]
S = Idea.Status

# (title, body, category slug or "", status, the team's answer or "", votes)
MOBILE_IDEAS = [
    (
        "Payer un ami avec son numéro de téléphone",
        "Envoyer de l'argent à un proche en le choisissant dans mes contacts, sans lui demander son IBAN.",
        "paiements",
        S.IN_PROGRESS,
        "Nous y travaillons avec Wero ; premiers essais auprès des ambassadeurs en mars.",
        41,
    ),
    (
        "Alerte quand un poste du budget dérape",
        "Une notification quand je dépasse 80 % de mon budget courses ou loisirs du mois.",
        "budget",
        S.PLANNED,
        "Retenue pour la version de printemps de l'application.",
        33,
    ),
    (
        "Couper les paiements à l'étranger en un geste",
        "Activer ou bloquer les paiements à l'étranger et en ligne depuis l'écran d'accueil.",
        "securite",
        S.DELIVERED,
        "C'est fait : le réglage est dans « Ma carte » depuis la version 7.2.",
        28,
    ),
    (
        "Arrondi automatique vers mon livret",
        "Arrondir chaque paiement par carte à l'euro supérieur et placer la différence sur mon livret A.",
        "budget",
        S.UNDER_REVIEW,
        "",
        19,
    ),
    ("Mode sombre", "Un thème sombre pour consulter mes comptes le soir sans être ébloui.", "", S.NEW, "", 11),
    (
        "Partager mon RIB par QR code",
        "Afficher mon RIB en QR code pour le transmettre en agence ou à un ami.",
        "paiements",
        S.NEW,
        "",
        7,
    ),
]
SAVINGS_IDEAS = [
    (
        "Épargner le lendemain de la paie",
        "Un virement automatique vers mon épargne le jour qui suit l'arrivée du salaire.",
        "budget",
        S.DELIVERED,
        "Disponible depuis septembre dans « Mes virements programmés ».",
        52,
    ),
    (
        "Un projet d'épargne avec sa photo",
        "Donner un nom et une image à chaque projet : vacances, voiture, apport.",
        "budget",
        S.DELIVERED,
        "Livré en octobre : créez vos projets depuis l'onglet Épargne.",
        37,
    ),
    (
        "Simuler ce que rapporte un livret",
        "Voir ce que rapporterait mon épargne sur un an selon le livret choisi.",
        "budget",
        S.PLANNED,
        "Prévu pour le printemps, avec les taux à jour.",
        24,
    ),
    (
        "Reverser mes intérêts à une association",
        "Donner une partie des intérêts de mon livret à une association choisie.",
        "",
        S.DECLINED,
        "Nous ne pouvons pas le proposer cette année pour des raisons réglementaires.",
        9,
    ),
]
HOSTILE_IDEA = (
    f"{FORMULA} : zéro frais de tenue de compte",
    f"{SCRIPT} Les frais de tenue de compte pèsent sur les petits budgets.",
    "",
    S.NEW,
    "",
    3,
)
IDEAS = (*MOBILE_IDEAS, HOSTILE_IDEA)
# (the idea's position, the comment), by the invited ambassadors in turn
COMMENTS = [
    (0, "Indispensable : je rembourse mes amis chaque semaine."),
    (0, f"{FORMULA}, c'est le nombre d'écrans que je veux pour payer."),
    (1, f"Et une alerte par SMS aussi. {SCRIPT}"),
    (2, "Très pratique en voyage, merci !"),
]


def idea_board(campaign, ideas=IDEAS, *, comments=COMMENTS, days_ago=10):
    """The board of ``campaign`` with ``ideas`` posted over the last ``days_ago`` days by its invited ambassadors
    in turn, voted by the first of them, the answered ones with their status change, and ``comments``. Before the
    launch (no one invited), the ideas have no author, no vote and no comment. Returns the board."""
    board = Board.objects.create(
        campaign=campaign,
        intro_fr="Proposez vos idées, votez pour celles qui comptent pour vous.",
        intro_en="Suggest ideas and vote for the ones that matter to you.",
    )
    categories = {
        slug: Category.objects.create(board=board, slug=slug, name_fr=fr, name_en=en, sort_order=index)
        for index, (slug, fr, en) in enumerate(CATEGORIES)
    }
    people = list(campaign.invitations.order_by("pk").values_list("ambassador_id", flat=True))
    now = timezone.now()
    posted = []
    for number, (title, body, category, status, answer, votes) in enumerate(ideas):
        idea = Idea.objects.create(
            campaign=campaign,
            title=title,
            body=body,
            category=categories.get(category),
            author_id=people[number % len(people)] if people else None,
            status=status,
        )
        voters = people[:votes]
        Vote.objects.bulk_create(Vote(idea=idea, ambassador_id=voter) for voter in voters)
        Idea.objects.filter(pk=idea.pk).update(
            created_at=now - timedelta(days=days_ago - number), vote_count=len(voters)
        )
        if answer:
            change = StatusChange.objects.create(idea=idea, from_status=S.NEW, to_status=status, answer_fr=answer)
            StatusChange.objects.filter(pk=change.pk).update(created_at=now - timedelta(days=(days_ago - number) // 2))
        posted.append(idea)
    if people:
        comments_post(posted, [(position, text) for position, text in comments if position < len(posted)], people)
    return board


def comments_post(ideas, comments, people):
    """``comments`` as (position in ``ideas``, text), by ``people`` (ambassador ids) in turn from the second."""
    for number, (position, text) in enumerate(comments):
        Comment.objects.create(idea=ideas[position], author_id=people[(number + 1) % len(people)], body=text)
    for idea in ideas:
        Idea.objects.filter(pk=idea.pk).update(comment_count=idea.comments.count())
