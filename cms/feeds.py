"""Atom feeds for ambassadors: new campaigns, and the roadmap's changes ("you said, we did"), in the language
of the address (/fr/flux/..., /en/flux/...)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.models import Locale, Site

from campaigns.locales import localized
from cms.models import campaign_pages
from cms.roadmap import roadmap_changes


class SiteFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return None

    def link(self):
        site = Site.find_for_request(self.request)
        home = site.root_page.localized if site else None
        return home.get_url(self.request) if home else "/"


class CampaignsFeed(SiteFeed):
    def title(self):
        return _("Espace ambassadeurs : nouvelles campagnes")

    def description(self):
        return _("Les campagnes auxquelles les ambassadeurs sont invités à participer.")

    def items(self):
        return campaign_pages(Locale.get_active())[:20]

    def item_title(self, page):
        return page.title

    def item_description(self, page):
        return escape(page.intro)  # summaries are read as HTML; the intro is plain text

    def item_link(self, page):
        return page.get_url(self.request)

    def item_pubdate(self, page):
        return page.first_published_at

    def item_updateddate(self, page):
        return page.last_published_at


class RoadmapFeed(SiteFeed):
    def title(self):
        return _("Espace ambassadeurs : vous avez dit, nous avons fait")

    def description(self):
        return _("Les idées des ambassadeurs que la banque prévoit, réalise et a réalisées, avec sa réponse.")

    def items(self):
        return roadmap_changes()

    def item_title(self, change):
        return _("%(idea)s : %(status)s") % {"idea": change.idea.title, "status": change.get_to_status_display()}

    def item_description(self, change):
        return escape(localized(change, "answer", translation.get_language()))

    def item_link(self, change):
        return reverse("ideas:idea", args=[change.idea.campaign.slug, change.idea_id])

    def item_guid(self, change):
        return f"roadmap-change-{change.pk}"

    def item_pubdate(self, change):
        return change.created_at
