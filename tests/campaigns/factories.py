"""Small builders for campaign tests (plain functions; tests call them directly or through the fixtures of the
conftest files): ambassadors one by one or as an audience, segments, campaigns, launched or closed.

The data reads like a real bank's (French names, regions, products): the browser tests photograph it for the
README. Hostile text (``SCRIPT``, ``FORMULA``) sits in the other apps' default data where pages and exports show
it: they must show it as text, never run or compute it."""

import secrets
import unicodedata
from datetime import timedelta

from django.utils import timezone

from campaigns.models import (
    AgeBand,
    Ambassador,
    AmbassadorProduct,
    AmbassadorTag,
    Campaign,
    Invitation,
    Product,
    Region,
    Segment,
    SegmentMember,
    SegmentRule,
    SubjectVariant,
    Tag,
)
from campaigns.sending.launch import campaign_launch

SCRIPT = "<script>alert('x')</script>"  # a page shows it as text
FORMULA = "=1+1"  # a spreadsheet keeps it as text


def ambassador(email, **fields):
    fields.setdefault("consent_at", timezone.now())
    fields.setdefault("first_name", email.split("@")[0].capitalize())
    return Ambassador.objects.create(email=email, **fields)


def region_segment(name="Bretons", region="bre"):
    segment = Segment.objects.create(name=name)
    SegmentRule.objects.create(segment=segment, attribute=SegmentRule.Attribute.REGION_IN, value=region)
    return segment


def campaign(slug="banque-mobile", segments=(), **fields):
    fields.setdefault("title", "La banque mobile de demain")
    fields.setdefault("kind", Campaign.Kind.IDEATION)  # a survey campaign needs its survey to launch
    fields.setdefault("subject_fr", "{prenom}, votre avis sur {campagne}")
    fields.setdefault("body_fr", "Bonjour {prenom},\n\nDonnez-nous votre avis avant le {date_cloture} : {lien}")
    fields.setdefault("subject_en", "{first_name}, your opinion on {campaign}")
    fields.setdefault("body_en", "Hello {first_name},\n\nTell us what you think: {link}")
    fields.setdefault("closes_at", timezone.now() + timezone.timedelta(days=14))
    fields.setdefault("reply_to", "equipe.produit@banque.example")
    created = Campaign.objects.create(slug=slug, **fields)
    created.segments.set(segments)
    return created


def subject_variants(target, *subjects, **fields):
    """A subject test on ``target``: one variant per French subject, in order (English: the French one with
    " (EN)"). ``fields`` set the test's settings on the campaign (``ab_sample_percent=50``...)."""
    variants = [
        SubjectVariant.objects.create(campaign=target, sort_order=order, subject_fr=text, subject_en=f"{text} (EN)")
        for order, text in enumerate(subjects)
    ]
    if fields:
        Campaign.objects.filter(pk=target.pk).update(**fields)
        target.refresh_from_db()
    return variants


# --- an audience ---------------------------------------------------------------------------------------------

FIRST_NAMES = [
    "Camille", "Léa", "Hugo", "Inès", "Lucas", "Chloé", "Karim", "Manon", "Théo", "Sophie", "Nicolas", "Amina",
    "Julien", "Margaux", "Pierre", "Linh", "Élodie", "Mehdi", "Françoise", "Benoît", "Zoé", "Gabriel", "Fatou",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Le Goff", "Moreau", "Lefèvre", "Nguyen", "Garcia", "Roux", "Fontaine",
    "Haddad", "Girard", "Kerbrat", "Bonnet", "Diallo", "Mercier", "Santoni", "Perrin", "Lambert", "Rousseau",
]  # fmt: skip
# Regions in rough proportion to the French population: the Île-de-France often, Corsica rarely.
REGIONS = [
    Region.ILE_DE_FRANCE, Region.AUVERGNE_RHONE_ALPES, Region.ILE_DE_FRANCE, Region.HAUTS_DE_FRANCE,
    Region.NOUVELLE_AQUITAINE, Region.OCCITANIE, Region.ILE_DE_FRANCE, Region.GRAND_EST,
    Region.PROVENCE_ALPES_COTE_D_AZUR, Region.BRETAGNE, Region.PAYS_DE_LA_LOIRE, Region.AUVERGNE_RHONE_ALPES,
    Region.NORMANDIE, Region.OUTRE_MER, Region.CENTRE_VAL_DE_LOIRE, Region.CORSE, Region.BOURGOGNE_FRANCHE_COMTE,
]  # fmt: skip
PRODUCTS = ["livret-a", "appli-mobile", "assurance-vie", "credit-immobilier", "pea", "carte-premium"]
TAGS = ["early-adopter", "jeune-actif", "famille", "retraite"]


def ascii_name(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def audience(count, *, opted_out_every=25):
    """``count`` ambassadors (a list, in creation order) whose attributes vary with their number: French names,
    regions, every age band, about one in eleven English-speaking, customers for 1 to 30 years, holding a current
    account and some of ``PRODUCTS``, a few tagged, and one in ``opted_out_every`` opted out."""
    now, today = timezone.now(), timezone.localdate()
    bands = list(AgeBand.values)
    people = []
    for number in range(count):
        first, last = FIRST_NAMES[number % len(FIRST_NAMES)], LAST_NAMES[(number * 7) % len(LAST_NAMES)]
        people.append(
            Ambassador(
                email=f"{ascii_name(first)}.{ascii_name(last)}.{number}@exemple.fr",
                first_name=first,
                last_name=last,
                locale="en" if number % 11 == 5 else "fr",
                region=REGIONS[number % len(REGIONS)],
                age_band=bands[(number * 5) % len(bands)],
                customer_since=today - timedelta(days=365 * (1 + number % 30) + number),
                consent_at=now - timedelta(days=1 + number % 700),
                opted_out_at=now - timedelta(days=3) if opted_out_every and number % opted_out_every == 7 else None,
            )
        )
    people = Ambassador.objects.bulk_create(people)
    products = dict(Product.objects.values_list("code", "pk"))
    AmbassadorProduct.objects.bulk_create(
        AmbassadorProduct(ambassador=person, product_id=products[code])
        for number, person in enumerate(people)
        for position, code in enumerate(["compte-courant", *PRODUCTS])
        if position == 0 or (number + position) % (position + 1) == 0
    )
    tags = {name: Tag.objects.get_or_create(name=name)[0] for name in TAGS}
    AmbassadorTag.objects.bulk_create(
        AmbassadorTag(ambassador=person, tag=tags[TAGS[number % len(TAGS)]])
        for number, person in enumerate(people)
        if number % 6 == 0
    )
    return people


def panel(people, name="Panel de test"):
    """A static segment of ``people``."""
    segment = Segment.objects.create(
        name=name, kind=Segment.Kind.STATIC, description="Ambassadeurs volontaires pour tester en avant-première"
    )
    SegmentMember.objects.bulk_create(SegmentMember(segment=segment, ambassador=person) for person in people)
    return segment


# --- campaigns with their invitations ------------------------------------------------------------------------

MOBILE_BANK = {
    "slug": "banque-mobile-de-demain",
    "title": "Votre banque mobile de demain",
    "theme": "Application mobile",
    "description": "Nous repensons l'application mobile : virements, suivi du budget, épargne, sécurité. "
    "Dites-nous ce qui compte pour vous.",
    "kind": Campaign.Kind.BOTH,
    "subject_fr": "{prenom}, imaginons ensemble votre banque mobile",
    "body_fr": "Bonjour {prenom},\n\nVous êtes parmi les premiers à découvrir notre projet « {campagne} ». "
    "Donnez-nous votre avis avant le {date_cloture} :\n\n{lien}\n\nMerci !\nL'équipe produit",
    "subject_en": "{first_name}, let's design your mobile bank together",
    "body_en": 'Hello {first_name},\n\nYou are among the first to see our project "{campaign}". '
    "Please share your views before {closing_date}:\n\n{link}\n\nThank you!\nThe product team",
    "closes_at": None,  # three weeks from now
}
SAVINGS = {
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


def launched_campaign(segments, *, prepare=None, **fields):
    """The mobile bank campaign (``MOBILE_BANK``, overridden by ``fields``) to ``segments``, launched: one
    invitation per contactable member, whose email goes out on commit. ``prepare(campaign)`` runs before the
    launch (a survey campaign launches only with its survey)."""
    fields = {**MOBILE_BANK, **fields}
    fields["closes_at"] = fields["closes_at"] or timezone.now() + timedelta(days=21)
    target = campaign(segments=segments, **fields)
    if prepare:
        prepare(target)
    campaign_launch(target)
    return target


def closed_campaign(people, *, answered=0.3, days_ago=120, **fields):
    """The savings campaign (``SAVINGS``, overridden by ``fields``), launched ``days_ago`` days ago and closed a
    month later: ``people`` were invited (written directly, no email goes out), every other one opened it, and the
    first ``answered`` share of them answered."""
    sent = timezone.now() - timedelta(days=days_ago)
    target = campaign(
        **{**SAVINGS, **fields},
        status=Campaign.Status.CLOSED,
        opens_at=sent,
        launched_at=sent,
        closes_at=sent + timedelta(days=30),
        closed_at=sent + timedelta(days=30),
    )
    opened = sent + timedelta(hours=2)
    Invitation.objects.bulk_create(
        Invitation(
            campaign=target,
            ambassador=person,
            token=secrets.token_hex(32),
            status=Invitation.Status.DELIVERED,
            attempts=1,
            sent_at=sent,
            delivered_at=sent,
            first_opened_at=opened if number % 2 == 0 else None,
            first_human_open_at=opened if number % 2 == 0 else None,
            open_count=1 if number % 2 == 0 else 0,
            responded_at=opened + timedelta(hours=1) if number < len(people) * answered else None,
        )
        for number, person in enumerate(people)
    )
    return target
