from django.urls import path, register_converter

from campaigns import views


class TokenConverter:
    regex = "[0-9a-f]{64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TokenConverter, "token")

app_name = "campaigns"
urlpatterns = [
    path("i/<token:token>/", views.personal_link, name="personal_link"),
    path("i/<token:token>/v/", views.decoy_link, name="decoy_link"),
    path("t/o/<token:token>.gif", views.open_pixel, name="open_pixel"),
    path("u/<token:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("p/<token:token>/", views.preferences_view, name="preferences"),
    path("c/<slug:slug>/", views.campaign_landing, name="landing"),
    path("sante/", views.health_view, name="health"),
]
