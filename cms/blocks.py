"""The blocks an editor builds a campaign page from: one stream block set, shared by every body field."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock, ImageChooserBlock

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("titre"), max_length=120)
    level = blocks.ChoiceBlock(choices=[("h2", _("niveau 2")), ("h3", _("niveau 3"))], default="h2", label=_("niveau"))

    class Meta:
        icon = "title"
        label = _("Titre")
        template = "cms/blocks/heading.html"


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("légende"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/figure.html"


class VideoBlock(blocks.StructBlock):
    """A video served by this site (no third-party player, hence no tracking of ambassadors by a video host),
    with its captions and a transcript."""

    title = blocks.CharBlock(label=_("titre"), max_length=120)
    video = DocumentChooserBlock(label=_("fichier vidéo (MP4 ou WebM)"))
    captions = DocumentChooserBlock(label=_("sous-titres (WebVTT)"), required=False)
    poster = ImageChooserBlock(label=_("image d'attente"), required=False)
    transcript = blocks.RichTextBlock(label=_("transcription"), features=TEXT_FEATURES, required=False)

    class Meta:
        icon = "media"
        label = _("Vidéo")
        template = "cms/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if value["video"] and value["video"].file_extension.lower() not in ("mp4", "webm"):
            errors["video"] = ValidationError(_("Choisissez un fichier MP4 ou WebM."))
        if value["captions"] and value["captions"].file_extension.lower() != "vtt":
            errors["captions"] = ValidationError(_("Les sous-titres sont un fichier WebVTT (.vtt)."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class ConceptCardBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("nom du concept"), max_length=120)
    image = ImageBlock(label=_("image"), required=False)
    description = blocks.RichTextBlock(label=_("description"), features=TEXT_FEATURES)
    points = blocks.ListBlock(blocks.CharBlock(max_length=200), label=_("points clés"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Fiche concept")
        template = "cms/blocks/concept_card.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("citation"), max_length=600)
    author = blocks.CharBlock(label=_("auteur"), max_length=120)
    role = blocks.CharBlock(label=_("fonction"), max_length=120, required=False)

    class Meta:
        icon = "openquote"
        label = _("Citation")
        template = "cms/blocks/quote.html"


class QuestionAnswerBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=250)
    answer = blocks.RichTextBlock(label=_("réponse"), features=TEXT_FEATURES)


class FAQBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titre"), max_length=120, default=_("Questions fréquentes"))
    items = blocks.ListBlock(QuestionAnswerBlock(), label=_("questions"), min_num=1)

    class Meta:
        icon = "help"
        label = _("Questions fréquentes")
        template = "cms/blocks/faq.html"


class CallToActionBlock(blocks.StructBlock):
    """Sends the visitor where they can act: the page works out the address and wording from the campaign and
    from what the visiting ambassador has already done."""

    heading = blocks.CharBlock(label=_("titre"), max_length=120)
    text = blocks.TextBlock(label=_("texte"), required=False, max_length=400)
    target = blocks.ChoiceBlock(
        label=_("vers"),
        default="all",
        choices=[
            ("all", _("Tout ce que la campagne propose")),
            ("survey", _("Le questionnaire")),
            ("ideas", _("L'espace d'idées")),
        ],
    )

    class Meta:
        icon = "pick"
        label = _("Appel à participer")
        template = "cms/blocks/call_to_action.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(label=_("Texte"), features=[*TEXT_FEATURES, "h3"], icon="pilcrow")
    figure = FigureBlock()
    video = VideoBlock()
    concept = ConceptCardBlock()
    quote = QuoteBlock()
    faq = FAQBlock()
    call_to_action = CallToActionBlock()
