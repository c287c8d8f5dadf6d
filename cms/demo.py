"""Demo pages: the home page's introduction, the campaign index, a page per demo campaign, the roadmap, each in
French and in English, published. Idempotent: pages that exist are left as editors made them."""

import io
import json

from django.core.files.images import ImageFile
from PIL import Image as Picture
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import Locale, Site

from cms.models import CampaignIndexPage, CampaignPage, HomePage, RoadmapPage

HOME_INTRO = {
    "fr": "<p>Vous faites partie des ambassadeurs de la banque : donnez votre avis sur nos projets, proposez vos "
    "idées et suivez ce qu'elles deviennent.</p>",
    "en": "<p>You are one of the bank's ambassadors: give your views on our projects, suggest ideas and follow "
    "what becomes of them.</p>",
}
TEXTS = {
    "index": {
        "fr": ("Campagnes", "campagnes", "<p>Les consultations en cours et ce qui est sorti des précédentes.</p>"),
        "en": ("Campaigns", "campaigns", "<p>Consultations under way, and what came out of the previous ones.</p>"),
    },
    "roadmap": {
        "fr": (
            "Vous avez dit, nous avons fait",
            "feuille-de-route",
            (
                "<p>Les idées des ambassadeurs que nous avons retenues : prévues, en cours et réalisées, avec "
                "la réponse de l'équipe.</p>"
            ),
        ),
        "en": (
            "You said, we did",
            "roadmap",
            "<p>The ambassadors' ideas we took up: planned, in progress and delivered, with the team's answer.</p>",
        ),
    },
}
CAMPAIGN_TEXTS = {
    "fr": {
        "live_intro": "Nous repensons l'application mobile. Découvrez le concept, dites-nous ce qui compte pour vous "
        "et proposez vos idées.",
        "closed_intro": "Vos idées pour épargner plus facilement ont nourri nos nouveautés de l'automne.",
        "heading": "Une application pensée avec vous",
        "paragraph": "<p>Depuis dix ans, l'application a grandi fonction après fonction. Nous voulons la simplifier "
        "autour de ce que vous faites le plus : <b>payer, suivre son budget, épargner</b>.</p>",
        "concept": (
            "Accueil « Mon mois »",
            (
                "<p>Un écran d'accueil qui montre en un coup d'œil ce qui est entré, "
                "ce qui est sorti et ce qui reste jusqu'à la fin du mois.</p>"
            ),
            [
                "Le solde prévisionnel jusqu'à la prochaine paie",
                "Les dépenses rangées par catégorie",
                "Un virement vers l'épargne en un geste",
            ],
        ),
        "alt": "Maquette de l'écran d'accueil : un anneau de budget et trois raccourcis",
        "quote": (
            "Nous ne voulons rien livrer que nos ambassadeurs n'aient vu avant tout le monde.",
            "Claire Martin",
            "responsable de l'application mobile",
        ),
        "faq": (
            "Questions fréquentes",
            [
                (
                    "Combien de temps faut-il ?",
                    "<p>Dix minutes pour le questionnaire ; vous pouvez vous arrêter et reprendre plus tard.</p>",
                ),
                (
                    "Mes réponses sont-elles anonymes ?",
                    (
                        "<p>Elles ne sont jamais publiées de façon nominative et les "
                        "résultats ne portent que sur des groupes d'au moins cinq "
                        "personnes.</p>"
                    ),
                ),
            ],
        ),
        "cta": ("À vous la parole", "Répondez au questionnaire et proposez vos idées avant la clôture."),
    },
    "en": {
        "live_intro": "We are redesigning the mobile app. Discover the concept, tell us what matters to you and "
        "suggest your ideas.",
        "closed_intro": "Your ideas for saving more easily shaped this autumn's new features.",
        "heading": "An app designed with you",
        "paragraph": "<p>Over ten years the app grew feature after feature. We want to simplify it around what you "
        "do most: <b>pay, follow your budget, save</b>.</p>",
        "concept": (
            "“My month” home screen",
            (
                "<p>A home screen that shows at a glance what came in, what went "
                "out and what is left until the end of the month.</p>"
            ),
            [
                "Forecast balance until the next payday",
                "Spending sorted by category",
                "One gesture to move money to savings",
            ],
        ),
        "alt": "Mock-up of the home screen: a budget ring and three shortcuts",
        "quote": (
            "We want to ship nothing our ambassadors have not seen before everyone else.",
            "Claire Martin",
            "head of the mobile app",
        ),
        "faq": (
            "Frequently asked questions",
            [
                ("How long does it take?", "<p>Ten minutes for the survey; you can stop and come back later.</p>"),
                (
                    "Are my answers anonymous?",
                    (
                        "<p>They are never published under your name and results only cover "
                        "groups of at least five people.</p>"
                    ),
                ),
            ],
        ),
        "cta": ("Your turn", "Answer the survey and suggest your ideas before it closes."),
    },
}


def demo_image(title, colours):
    """A generated illustration (a phone mock-up on a gradient), stored as a Wagtail image once."""
    found = Image.objects.filter(title=title).first()
    if found:
        return found
    width, height = 1200, 750
    picture = Picture.new("RGB", (width, height), colours[0])
    draw = ImageDraw.Draw(picture)
    for y in range(height):  # vertical gradient
        mix = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * mix) for a, b in zip(colours[0], colours[1])))
    draw.rounded_rectangle([470, 90, 730, 660], radius=36, fill=(255, 255, 255))
    draw.ellipse([530, 170, 670, 310], outline=colours[0], width=22)
    for row, length in enumerate((160, 120, 140)):
        draw.rounded_rectangle([510, 360 + row * 70, 510 + length, 400 + row * 70], radius=10, fill=(210, 226, 235))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.png"))


def _body(texts, image, *, live):
    concept_title, concept_text, points = texts["concept"]
    quote, author, role = texts["quote"]
    faq_title, faq = texts["faq"]
    blocks = [
        {"type": "heading", "value": {"text": texts["heading"], "level": "h2"}},
        {"type": "paragraph", "value": texts["paragraph"]},
        {
            "type": "concept",
            "value": {
                "title": concept_title,
                "description": concept_text,
                "points": points,
                "image": {"image": image.pk, "decorative": False, "alt_text": texts["alt"]},
            },
        },
        {"type": "quote", "value": {"quote": quote, "author": author, "role": role}},
        {"type": "faq", "value": {"title": faq_title, "items": [{"question": q, "answer": a} for q, a in faq]}},
    ]
    if live:
        heading, text = texts["cta"]
        blocks.append({"type": "call_to_action", "value": {"heading": heading, "text": text, "target": "all"}})
    return json.dumps(blocks)


def _publish(page):
    page.save_revision().publish()
    return page


def _translate(page, locale, **fields):
    """The English version of ``page`` (created with its parents' if missing), with ``fields``, published."""
    translation = page.get_translation_or_none(locale)
    if translation is None:
        translation = page.copy_for_translation(locale, copy_parents=True)
        for name, value in fields.items():
            setattr(translation, name, value)
        _publish(translation)
    return translation


def seed_pages(live_campaign, closed_campaign):
    """Publish the demo site; returns {"home", "index", "live", "closed", "roadmap"} (French pages)."""
    english, _created = Locale.objects.get_or_create(language_code="en")
    home = Site.objects.get(is_default_site=True).root_page.specific
    if not isinstance(home, HomePage):
        raise RuntimeError("The default site's root is not the home page: run the migrations first.")
    if home.intro != HOME_INTRO["fr"]:
        home.intro = HOME_INTRO["fr"]
        _publish(home)
    _translate(home, english, title="Ambassadors", slug="home", intro=HOME_INTRO["en"])

    pages = {"home": home}
    for key, model in (("index", CampaignIndexPage), ("roadmap", RoadmapPage)):
        page = model.objects.child_of(home).first()
        if page is None:
            title, slug, intro = TEXTS[key]["fr"]
            page = _publish(home.add_child(instance=model(title=title, slug=slug, intro=intro)))
        title, slug, intro = TEXTS[key]["en"]
        _translate(page, english, title=title, slug=slug, intro=intro)
        pages[key] = page

    image = demo_image("Maquette Mon mois", ((11, 61, 92), (18, 125, 140)))
    for key, campaign in (("live", live_campaign), ("closed", closed_campaign)):
        pages[key] = _campaign_page(pages["index"], campaign, image, english, live=key == "live")
    return pages


def _campaign_page(index, campaign, image, english, *, live):
    """The campaign's page in French (published once) and its English translation."""
    key = "live" if live else "closed"
    page = CampaignPage.objects.filter(campaign=campaign, locale=index.locale).first()
    texts = CAMPAIGN_TEXTS["fr"]
    if page is None:
        page = _publish(
            index.add_child(
                instance=CampaignPage(
                    title=campaign.title,
                    slug=campaign.slug,
                    campaign=campaign,
                    intro=texts[f"{key}_intro"],
                    hero_image=image,
                    hero_alt=texts["alt"],
                    body=_body(texts, image, live=live),
                )
            )
        )
    texts = CAMPAIGN_TEXTS["en"]
    _translate(
        page,
        english,
        title="Your mobile bank of tomorrow" if live else "Savings: your priorities",
        intro=texts[f"{key}_intro"],
        hero_alt=texts["alt"],
        body=_body(texts, image, live=live),
    )
    return page
