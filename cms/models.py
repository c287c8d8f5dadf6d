"""Wagtail pages of the public site: the home page, the campaign index, one page per campaign, the roadmap.

Page types sit only where they make sense: a home page under the root (one per language), under it one campaign
index and one roadmap, and campaign pages under the index. Each page computes what it shows in ``get_context``
with a fixed number of queries (pinned by tests)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from campaigns.models import Campaign
from campaigns.tracking import visiting_invitation
from cms.blocks import BodyBlock
from cms.participation import participation
from cms.results import campaign_results
from cms.roadmap import roadmap

LISTED = [Campaign.Status.LIVE, Campaign.Status.CLOSED]


def campaign_pages(locale, statuses=LISTED):
    """Published campaign pages of one language whose campaign is in ``statuses``, newest campaigns first."""
    return (
        CampaignPage.objects.live()
        .filter(locale=locale, campaign__status__in=statuses)
        .select_related("campaign", "hero_image")
        .order_by("-campaign__opens_at", "-pk")
    )


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.CampaignIndexPage", "cms.RoadmapPage"]

    class Meta:
        verbose_name = _("page d'accueil")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["live_pages"] = list(campaign_pages(self.locale, [Campaign.Status.LIVE])[:12])
        context["roadmap_page"] = RoadmapPage.objects.live().child_of(self).first()
        context["index_page"] = CampaignIndexPage.objects.live().child_of(self).first()
        return context


class CampaignIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CampaignPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("liste des campagnes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        pages = list(campaign_pages(self.locale).child_of(self))
        context["live_pages"] = [page for page in pages if page.campaign.is_open]
        context["closed_pages"] = [page for page in pages if not page.campaign.is_open]
        return context


class CampaignPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        campaign = cleaned.get("campaign")
        if campaign is not None:
            # A draft never published (one Wagtail's autosave kept from an abandoned form) shows nowhere: it
            # does not keep the campaign from getting its page; publishing it later is refused in its turn.
            others = CampaignPage.objects.filter(campaign=campaign, locale=self.instance.locale).filter(
                Q(live=True) | Q(first_published_at__isnull=False)
            )
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error("campaign", _("Cette campagne a déjà une page dans cette langue."))
        return cleaned


class CampaignPage(Page):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="pages", verbose_name=_("campagne"))
    intro = models.TextField(
        _("accroche"),
        max_length=400,
        help_text=_("Deux ou trois phrases : elles présentent la campagne dans les listes et le flux."),
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("image d'en-tête"),
    )
    hero_alt = models.CharField(
        _("texte alternatif de l'image"),
        max_length=250,
        blank=True,
        help_text=_("Ce que montre l'image, pour qui ne la voit pas. Vide : image décorative."),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("contenu"))

    base_form_class = CampaignPageForm
    content_panels = Page.content_panels + [
        FieldPanel("campaign"),
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("hero_alt"),
        FieldPanel("body"),
        HelpPanel(
            _(
                "Une fois la campagne close, la page montre d'elle-même ce qui en est sorti : participation et "
                "idées retenues, sans aucun chiffre sur moins de personnes que le seuil de confidentialité."
            )
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.CampaignIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("page de campagne")
        # One page per campaign and language: checked by CampaignPageForm (locale lives on Page's table, out of
        # reach of a constraint on this one).

    def serve(self, request, *args, **kwargs):
        if not self.campaign.is_public and not request.user.has_perm("campaigns.view_campaign"):
            raise Http404  # nothing of a campaign shows before its launch, but to staff
        response = super().serve(request, *args, **kwargs)
        if response.context_data.get("invitation") is not None:
            patch_cache_control(response, private=True, no_store=True)  # this ambassador's own state
        patch_vary_headers(response, ["Cookie"])
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        invitation = visiting_invitation(request, self.campaign)
        context["invitation"] = invitation
        context["standing"], context["calls"] = participation(self.campaign, invitation)
        context["body_calls"] = any(block.block_type == "call_to_action" for block in self.body)
        context["results"] = None if self.campaign.is_open else campaign_results(self.campaign)
        context["privacy_threshold"] = settings.PRIVACY_THRESHOLD
        # The body's blocks are the same for every visitor, but its calls to act (worded for the ambassador): each
        # other block is rendered once per published revision and language (its images' renditions read once),
        # kept in the cache; publishing a new revision names new fragments, so the change shows at once.
        context["body_seconds"] = BODY_CACHE_SECONDS
        return context


BODY_CACHE_SECONDS = 24 * 3600


class RoadmapPage(Page):
    intro = RichTextField(_("introduction"), blank=True)
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("campagne"),
        help_text=_("Vide : les idées de toutes les campagnes."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("campaign")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("feuille de route")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["columns"] = roadmap(campaign=self.campaign)
        return context


def campaign_page_path(campaign, language):
    """The path of the campaign's published page in ``language``, else in French, else in any language; or None."""
    pages = {
        page.locale.language_code: page
        for page in CampaignPage.objects.live().filter(campaign=campaign).select_related("locale")
    }
    page = pages.get((language or "fr")[:2]) or pages.get("fr") or next(iter(pages.values()), None)
    return page.get_url() if page else None
