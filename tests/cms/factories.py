"""Builders for page tests: a generated picture, and a campaign's page tree (the home page's introduction, the
campaign index, a page per campaign with the blocks editors use, the roadmap), published, with their English
translations. The texts read like a real bank's site: the browser tests photograph it for the README."""

import io
import json

from django.core.files.images import ImageFile
from PIL import Image as Picture
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import Locale, Site

from cms.models import CampaignIndexPage, CampaignPage, RoadmapPage

TEAL = ((11, 61, 92), (18, 125, 140))


def picture(title="Maquette de l'accueil « Mon mois »", colours=TEAL):
    """A Wagtail image: a phone mock-up (a budget ring, three shortcuts) on a vertical gradient of ``colours``."""
    width, height = 1200, 750
    image = Picture.new("RGB", (width, height), colours[0])
    draw = ImageDraw.Draw(image)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=tuple(a + (b - a) * y // height for a, b in zip(*colours)))
    draw.rounded_rectangle([470, 90, 730, 660], radius=36, fill=(255, 255, 255))
    draw.ellipse([530, 170, 670, 310], outline=colours[0], width=22)
    for row, length in enumerate((160, 120, 140)):
        draw.rounded_rectangle([510, 360 + row * 70, 510 + length, 400 + row * 70], radius=10, fill=(210, 226, 235))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name="maquette.png"))


def publish(page):
    page.save_revision().publish()
    return page


def translate(page, locale, **fields):
    """The translation of ``page`` into ``locale`` (its parents' too if missing), with ``fields``, published."""
    translation = page.copy_for_translation(locale, copy_parents=True)
    for name, value in fields.items():
        setattr(translation, name, value)
    return publish(translation)


def home_page():
    return Site.objects.get(is_default_site=True).root_page.specific


def campaign_index(home, **fields):
    fields = {"title": "Campagnes", "slug": "campagnes", **fields}
    return publish(home.add_child(instance=CampaignIndexPage(**fields)))


def roadmap(home, **fields):
    fields = {"title": "Vous avez dit, nous avons fait", "slug": "feuille-de-route", **fields}
    return publish(home.add_child(instance=RoadmapPage(**fields)))


def campaign_page(index, campaign, **fields):
    fields = {"title": campaign.title, "slug": campaign.slug, "intro": campaign.description, **fields}
    return publish(index.add_child(instance=CampaignPage(campaign=campaign, **fields)))


# --- the texts of a campaign's site, in French and English -------------------------------------------------------

SITE = {
    "fr": {
        "home": (
            "<p>Vous êtes ambassadeur de la banque : donnez votre avis sur nos projets, proposez vos idées et "
            "suivez ce qu'elles deviennent.</p>"
        ),
        "index": ("Campagnes", "campagnes", "<p>Les consultations en cours, et ce qui est sorti des précédentes.</p>"),
        "roadmap": (
            "Vous avez dit, nous avons fait",
            "feuille-de-route",
            (
                "<p>Les idées des ambassadeurs que nous avons retenues : prévues, en cours et réalisées, avec la "
                "réponse de l'équipe.</p>"
            ),
        ),
        "live": (
            "Votre banque mobile de demain",
            (
                "Nous repensons l'application mobile. Découvrez le concept, dites-nous ce qui compte pour vous et "
                "proposez vos idées."
            ),
        ),
        "closed": ("Épargne : vos priorités", "Vos idées pour épargner plus facilement ont nourri nos nouveautés."),
        "heading": "Une application pensée avec vous",
        "paragraph": (
            "<p>En dix ans, l'application a grandi fonction après fonction. Nous voulons la simplifier autour de ce "
            "que vous faites le plus : <b>payer, suivre votre budget, épargner</b>.</p>"
        ),
        "concept": (
            "Accueil « Mon mois »",
            (
                "<p>Un écran d'accueil qui montre d'un coup d'œil ce qui est entré, ce qui est sorti et ce qui "
                "reste jusqu'à la fin du mois.</p>"
            ),
            [
                "Le solde prévu jusqu'à la prochaine paie",
                "Les dépenses rangées par poste",
                "Un virement vers l'épargne en un geste",
            ],
        ),
        "alt": "Maquette de l'écran d'accueil : un anneau de budget et trois raccourcis",
        "quote": (
            "Rien ne sortira sans que nos ambassadeurs l'aient vu avant tout le monde.",
            "Claire Martin",
            "responsable de l'application mobile",
        ),
        "faq": (
            "Questions fréquentes",
            [
                ("Combien de temps faut-il ?", "<p>Dix minutes ; vous pouvez vous arrêter et reprendre plus tard.</p>"),
                (
                    "Mes réponses sont-elles anonymes ?",
                    (
                        "<p>Elles ne sont jamais publiées sous votre nom, et les résultats ne portent que sur des "
                        "groupes d'au moins cinq personnes.</p>"
                    ),
                ),
            ],
        ),
        "cta": ("À vous la parole", "Répondez au questionnaire et proposez vos idées avant la clôture."),
    },
    "en": {
        "home": (
            "<p>You are one of the bank's ambassadors: give your views on our projects, suggest ideas and follow "
            "what becomes of them.</p>"
        ),
        "index": ("Campaigns", "campaigns", "<p>Consultations under way, and what came out of the previous ones.</p>"),
        "roadmap": (
            "You said, we did",
            "roadmap",
            "<p>The ambassadors' ideas we took up: planned, in progress and delivered, with the team's answer.</p>",
        ),
        "live": (
            "Your mobile bank of tomorrow",
            "We are redesigning the mobile app. Discover the concept, tell us what matters to you and suggest ideas.",
        ),
        "closed": ("Savings: your priorities", "Your ideas for saving more easily shaped our new features."),
        "heading": "An app designed with you",
        "paragraph": (
            "<p>Over ten years the app grew feature after feature. We want to simplify it around what you do most: "
            "<b>pay, follow your budget, save</b>.</p>"
        ),
        "concept": (
            "“My month” home screen",
            (
                "<p>A home screen that shows at a glance what came in, what went out and what is left until the "
                "end of the month.</p>"
            ),
            ["Forecast balance until next payday", "Spending sorted by category", "One gesture to save"],
        ),
        "alt": "Mock-up of the home screen: a budget ring and three shortcuts",
        "quote": (
            "Nothing will ship before our ambassadors have seen it first.",
            "Claire Martin",
            "head of the mobile app",
        ),
        "faq": (
            "Frequently asked questions",
            [
                ("How long does it take?", "<p>Ten minutes; you can stop and come back later.</p>"),
                (
                    "Are my answers anonymous?",
                    "<p>They are never published under your name; results only cover groups of five or more.</p>",
                ),
            ],
        ),
        "cta": ("Your turn", "Answer the survey and suggest your ideas before it closes."),
    },
}


def concept_body(texts, image, *, call_to_action=True):
    """A campaign page's body (JSON) in the language of ``texts``: heading, paragraph, concept card with
    ``image``, quote, FAQ and, while the campaign runs, a call to action."""
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
    if call_to_action:
        heading, text = texts["cta"]
        blocks.append({"type": "call_to_action", "value": {"heading": heading, "text": text, "target": "all"}})
    return json.dumps(blocks)


def campaign_site(live, closed=None):
    """The published site of a live campaign (and a closed one), in French and English: returns the French pages
    as {"home", "index", "live", "closed", "roadmap"}."""
    english = Locale.objects.get_or_create(language_code="en")[0]
    fr, en = SITE["fr"], SITE["en"]
    home = home_page()
    home.intro = fr["home"]
    publish(home)
    translate(home, english, title="Ambassadors", slug="home", intro=en["home"])
    pages = {"home": home}
    for key, build in (("index", campaign_index), ("roadmap", roadmap)):
        (title, slug, intro), (title_en, slug_en, intro_en) = fr[key], en[key]
        pages[key] = build(home, title=title, slug=slug, intro=intro)
        translate(pages[key], english, title=title_en, slug=slug_en, intro=intro_en)
    image = picture()
    for key, campaign in (("live", live), ("closed", closed)):
        if campaign is None:
            continue
        page = campaign_page(
            pages["index"],
            campaign,
            intro=fr[key][1],
            hero_image=image,
            hero_alt=fr["alt"],
            body=concept_body(fr, image, call_to_action=key == "live"),
        )
        title, intro = en[key]
        body = concept_body(en, image, call_to_action=key == "live")
        translate(page, english, title=title, intro=intro, hero_alt=en["alt"], body=body)
        pages[key] = page
    return pages
