from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("s/<slug:slug>/", views.survey_start, name="start"),
    path("s/<slug:slug>/<int:number>/", views.survey_page, name="page"),
    path("s/<slug:slug>/merci/", views.survey_thanks, name="thanks"),
]
