"""Small builders for campaign tests (plain functions; tests call them through fixtures)."""

from django.utils import timezone

from campaigns.models import Ambassador, Campaign, Segment, SegmentRule


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
