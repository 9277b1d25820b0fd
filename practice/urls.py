from django.urls import path

from . import views

app_name = "practice"

attempt = "sessions/<int:session_id>/questions/<int:position>/"

urlpatterns = [
    path("", views.start, name="start"),
    path("start/", views.session_create, name="session_create"),
    path("sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/summary/", views.session_summary, name="session_summary"),
    path(attempt, views.attempt_detail, name="attempt_detail"),
    path(attempt + "save/", views.attempt_save, name="attempt_save"),
    path(attempt + "reveal/", views.attempt_reveal, name="attempt_reveal"),
    path(attempt + "rate/", views.attempt_rate, name="attempt_rate"),
    path(attempt + "check/", views.attempt_check, name="attempt_check"),
    path(attempt + "save-story/", views.attempt_save_story, name="attempt_save_story"),
    path(attempt + "stories/", views.story_picker, name="story_picker"),
    path(attempt + "use-story/", views.attempt_use_story, name="attempt_use_story"),
    path("history/", views.history, name="history"),
    path("history/questions/<slug:key>/", views.question_history, name="question_history"),
]
