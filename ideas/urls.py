from django.urls import path

from ideas import question_views, views

app_name = "ideas"
urlpatterns = [
    path("b/<slug:slug>/", views.board_view, name="board"),
    path("b/<slug:slug>/nouvelle/", views.idea_new, name="new"),
    path("b/<slug:slug>/similaires/", views.similar_view, name="similar"),
    path("b/<slug:slug>/moi/", views.contributions, name="contributions"),
    path("b/<slug:slug>/classement/", views.leaderboard_view, name="leaderboard"),
    path("b/<slug:slug>/questions/", question_views.questions_view, name="questions"),
    path("b/<slug:slug>/questions/<int:pk>/vote/", question_views.question_vote, name="question_vote"),
    path("b/<slug:slug>/reponses/<int:pk>/avis/", question_views.answer_rating, name="answer_rating"),
    path("b/<slug:slug>/<int:pk>/", views.idea_view, name="idea"),
    path("b/<slug:slug>/<int:pk>/vote/", views.idea_vote, name="vote"),
    path("b/<slug:slug>/<int:pk>/commenter/", views.idea_comment, name="comment"),
    path("b/<slug:slug>/<int:pk>/signaler/", views.idea_report, name="report"),
    path("b/<slug:slug>/commentaires/<int:pk>/", views.comment_change, name="comment_edit"),
]
