from django.urls import path

from cms.feeds import CampaignsFeed, RoadmapFeed

app_name = "cms"
urlpatterns = [
    path("flux/campagnes/", CampaignsFeed(), name="campaigns_feed"),
    path("flux/feuille-de-route/", RoadmapFeed(), name="roadmap_feed"),
]
