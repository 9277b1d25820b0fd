from django.urls import path

from . import views

app_name = "questions"

urlpatterns = [
    path("questions/", views.question_list, name="question_list"),
    path("questions/suggest/", views.suggest, name="suggest"),
    path("questions/<slug:key>/", views.question_detail, name="question_detail"),
    path("red-flags/", views.red_flag_list, name="red_flag_list"),
]
