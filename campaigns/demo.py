"""Demo audience: a few thousand ambassadors with French names, regions and products, and a few segments.
Deterministic and idempotent: running it again adds nothing."""

import random
import secrets
import unicodedata
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from campaigns.models import (
    Ambassador,
    AmbassadorProduct,
    AmbassadorTag,
    Campaign,
    Invitation,
    Product,
    Region,
    Reminder,
    Segment,
    SegmentMember,
    SegmentRule,
    Tag,
)
from campaigns.sending.launch import campaign_launch

FIRST_NAMES = (
    "Camille Léa Manon Chloé Emma Inès Jade Louise Sarah Zoé Lucie Juliette Clara Anaïs Margaux Élodie Nathalie "
    "Isabelle Sophie Valérie Sandrine Céline Aurélie Hélène Françoise Monique Brigitte Catherine Martine Sylvie "
    "Lucas Hugo Louis Gabriel Arthur Jules Nathan Raphaël Théo Paul Thomas Nicolas Julien Antoine Maxime Alexandre "
    "Pierre Jean Michel Philippe Alain Patrick Christophe Olivier Laurent Frédéric Éric Stéphane Benoît Mathieu "
    "Yasmine Karim Mehdi Sofiane Amina Fatou Moussa Linh Minh"
).split()
LAST_NAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre Leroy Roux David "
    "Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Lefebvre Faure André "
    "Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia Perrin Robin Clément Morin "
    "Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour "
    "Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche Renard "
    "Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe "
    "Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert "
    "Berger Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet "
    "Nguyen Diallo Benali Haddad Traoré Le Gall Le Goff Kerbrat Castelli Santoni"
).split()
# Rough weights of each region in the French population.
REGION_WEIGHTS = {
    Region.ILE_DE_FRANCE: 18,
    Region.AUVERGNE_RHONE_ALPES: 12,
    Region.HAUTS_DE_FRANCE: 9,
    Region.NOUVELLE_AQUITAINE: 9,
    Region.OCCITANIE: 9,
    Region.GRAND_EST: 8,
    Region.PROVENCE_ALPES_COTE_D_AZUR: 8,
    Region.PAYS_DE_LA_LOIRE: 6,
    Region.BRETAGNE: 5,
    Region.NORMANDIE: 5,
    Region.BOURGOGNE_FRANCHE_COMTE: 4,
    Region.CENTRE_VAL_DE_LOIRE: 4,
    Region.OUTRE_MER: 3,
    Region.CORSE: 1,
    Region.ETRANGER: 1,
}
AGE_WEIGHTS = {"18-24": 8, "25-34": 18, "35-44": 20, "45-54": 20, "55-64": 18, "65+": 16}
TAGS = ["early-adopter", "jeune-actif", "famille", "entrepreneur", "retraite", "expatrie", "panel-mobile"]
SEGMENTS = [
    (
        "Jeunes actifs franciliens",
        "Moins de 35 ans en Île-de-France",
        Segment.Match.ALL,
        [(SegmentRule.Attribute.REGION_IN, "idf"), (SegmentRule.Attribute.AGE_BAND_IN, "18-24, 25-34")],
    ),
    (
        "Épargnants",
        "Détenteurs d'une assurance vie ou d'un PEA",
        Segment.Match.ANY,
        [(SegmentRule.Attribute.HOLDS_PRODUCT, "assurance-vie, pea")],
    ),
    (
        "Utilisateurs de l'appli",
        "Clients qui utilisent l'application mobile",
        Segment.Match.ALL,
        [(SegmentRule.Attribute.HOLDS_PRODUCT, "appli-mobile")],
    ),
    (
        "Clients historiques de l'Ouest",
        "Clients depuis avant 2010 en Bretagne ou Pays de la Loire",
        Segment.Match.ALL,
        [(SegmentRule.Attribute.REGION_IN, "bre, pdl"), (SegmentRule.Attribute.CUSTOMER_BEFORE, "2010-01-01")],
    ),
    (
        "Early adopters",
        "Ambassadeurs volontaires pour tester en avant-première",
        Segment.Match.ALL,
        [(SegmentRule.Attribute.HAS_TAG, "early-adopter")],
    ),
    (
        "Propriétaires à crédit",
        "Crédit immobilier sans assurance habitation chez nous",
        Segment.Match.ALL,
        [
            (SegmentRule.Attribute.HOLDS_PRODUCT, "credit-immobilier"),
            (SegmentRule.Attribute.LACKS_PRODUCT, "assurance-habitation"),
        ],
    ),
]


def _ascii(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def _weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def demo_people(count, seed=42):
    """Yield (Ambassador, product codes, tag names) for ``count`` made-up French ambassadors."""
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    for number in range(1, count + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        ambassador = Ambassador(
            email=f"{_ascii(first)}.{_ascii(last)}.{number}@exemple.fr",
            first_name=first,
            last_name=last,
            locale="en" if rng.random() < 0.08 else "fr",
            region=_weighted(rng, REGION_WEIGHTS),
            age_band=_weighted(rng, AGE_WEIGHTS),
            customer_since=today - timedelta(days=rng.randint(60, 35 * 365)),
            consent_at=now - timedelta(days=rng.randint(1, 900)),
            opted_out_at=now - timedelta(days=rng.randint(1, 60)) if rng.random() < 0.02 else None,
        )
        products = {"compte-courant"} | {
            code
            for code, share in [
                ("livret-a", 0.7),
                ("ldds", 0.35),
                ("assurance-vie", 0.3),
                ("pea", 0.12),
                ("credit-immobilier", 0.25),
                ("credit-conso", 0.1),
                ("carte-premium", 0.2),
                ("assurance-habitation", 0.4),
                ("appli-mobile", 0.65),
                ("pel", 0.15),
            ]
            if rng.random() < share
        }
        tags = {tag for tag in TAGS if rng.random() < 0.08}
        yield ambassador, products, tags


@transaction.atomic
def seed_audience(count=3000):
    """Create the demo ambassadors and segments that are not there yet. Returns how many ambassadors were added."""
    before = Ambassador.objects.count()
    people = list(demo_people(count))
    Ambassador.objects.bulk_create([a for a, _p, _t in people], ignore_conflicts=True, batch_size=1000)
    ids = dict(Ambassador.objects.filter(email__endswith="@exemple.fr").values_list("email", "id"))
    products = dict(Product.objects.values_list("code", "id"))
    Tag.objects.bulk_create([Tag(name=name) for name in TAGS], ignore_conflicts=True)
    tags = dict(Tag.objects.values_list("name", "id"))
    AmbassadorProduct.objects.bulk_create(
        [
            AmbassadorProduct(ambassador_id=ids[a.email], product_id=products[code])
            for a, codes, _t in people
            for code in codes
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    AmbassadorTag.objects.bulk_create(
        [AmbassadorTag(ambassador_id=ids[a.email], tag_id=tags[name]) for a, _p, names in people for name in names],
        ignore_conflicts=True,
        batch_size=2000,
    )
    _segments_seed([ids[a.email] for a, _p, _t in people[:50]])
    return Ambassador.objects.count() - before


def _segments_seed(panel_ids):
    """The demo segments by rules, and a static test panel of ``panel_ids``; those already there are kept."""
    for name, description, match, rules in SEGMENTS:
        segment, created = Segment.objects.get_or_create(
            name=name, defaults={"description": description, "match": match}
        )
        if created:
            SegmentRule.objects.bulk_create(
                [
                    SegmentRule(segment=segment, attribute=attribute, value=value, sort_order=index)
                    for index, (attribute, value) in enumerate(rules)
                ]
            )
    panel, created = Segment.objects.get_or_create(
        name="Panel de test",
        defaults={"kind": Segment.Kind.STATIC, "description": "Liste fixe de 50 ambassadeurs volontaires"},
    )
    if created:
        SegmentMember.objects.bulk_create([SegmentMember(segment=panel, ambassador_id=pk) for pk in panel_ids])


DEMO_CAMPAIGN = {
    "slug": "banque-mobile-de-demain",
    "title": "Votre banque mobile de demain",
    "theme": "Application mobile",
    "description": "Nous repensons l'application mobile. Dites-nous ce qui compte pour vous : "
    "virements, suivi du budget, épargne, sécurité.",
    "kind": Campaign.Kind.BOTH,
    # The demo's emails land in the outbox whatever the hour: a window all day, weekends too.
    "send_from": time(0),
    "send_until": time(0),
    "send_weekends": True,
    "subject_fr": "{prenom}, imaginons ensemble votre banque mobile",
    "body_fr": "Bonjour {prenom},\n\nEn tant qu'ambassadeur, vous êtes parmi les premiers à découvrir notre projet "
    "« {campagne} ». Votre avis compte : donnez-le avant le {date_cloture}.\n\n{lien}\n\nMerci !\n"
    "L'équipe produit",
    "subject_en": "{first_name}, let's design your mobile bank together",
    "body_en": "Hello {first_name},\n\nAs an ambassador, you are among the first to see our project "
    '"{campaign}". Please share your views before {closing_date}.\n\n{link}\n\nThank you!\n'
    "The product team",
}


def seed_campaign(prepare=None):
    """A live demo campaign to the test panel, whose emails land in the outbox; ``prepare(campaign)`` runs
    before its launch (the survey app attaches its survey). Returns it."""
    campaign, created = Campaign.objects.get_or_create(
        slug=DEMO_CAMPAIGN["slug"], defaults={**DEMO_CAMPAIGN, "closes_at": timezone.now() + timedelta(days=21)}
    )
    if created:
        campaign.segments.set(Segment.objects.filter(name="Panel de test"))
        Reminder.objects.create(
            campaign=campaign,
            days_after=3,
            subject_fr="Rappel : {campagne}",
            body_fr="Bonjour {prenom},\n\nIl est encore temps de donner votre avis : {lien}",
            subject_en="Reminder: {campaign}",
            body_en="Hello {first_name},\n\nThere is still time to share your views: {link}",
        )
        if prepare:
            prepare(campaign)
        campaign_launch(campaign)
    return campaign


CLOSED_CAMPAIGN = {
    "slug": "epargne-vos-priorites",
    "title": "Épargne : vos priorités",
    "theme": "Épargne",
    "description": "Comment vous aider à mettre de côté plus facilement ? Vos idées ont nourri nos nouveautés.",
    "kind": Campaign.Kind.IDEATION,
    "subject_fr": "{prenom}, parlons épargne",
    "body_fr": "Bonjour {prenom},\n\nQu'est-ce qui vous aiderait à épargner ? Dites-le-nous : {lien}",
    "subject_en": "{first_name}, let's talk savings",
    "body_en": "Hello {first_name},\n\nWhat would help you save? Tell us: {link}",
}


def seed_closed_campaign(*, invited=400, answered=0.3):
    """A campaign that ran last season, closed, with its invitations already sent and answered by some (demo
    history written directly: no email goes out). Returns it."""
    now = timezone.now()
    campaign, created = Campaign.objects.get_or_create(
        slug=CLOSED_CAMPAIGN["slug"],
        defaults={
            **CLOSED_CAMPAIGN,
            "status": Campaign.Status.CLOSED,
            "opens_at": now - timedelta(days=120),
            "launched_at": now - timedelta(days=120),
            "closes_at": now - timedelta(days=90),
        },
    )
    if created:
        campaign.segments.set(Segment.objects.filter(name="Épargnants"))
        sent = now - timedelta(days=120)
        ambassadors = (
            Ambassador.objects.filter(opted_out_at__isnull=True).order_by("id").values_list("id", flat=True)[:invited]
        )
        Invitation.objects.bulk_create(
            [
                Invitation(
                    campaign=campaign,
                    ambassador_id=ambassador_id,
                    token=secrets.token_hex(32),
                    status=Invitation.Status.DELIVERED,
                    sent_at=sent,
                    attempts=1,
                    first_opened_at=sent + timedelta(hours=2) if number % 2 == 0 else None,
                    first_human_open_at=sent + timedelta(hours=2) if number % 2 == 0 else None,
                    responded_at=sent + timedelta(hours=3) if number < invited * answered else None,
                )
                for number, ambassador_id in enumerate(ambassadors)
            ],
            batch_size=2000,
        )
    return campaign
