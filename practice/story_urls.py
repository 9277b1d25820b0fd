"""The story bank, at /stories/ (its views live with practice, which it serves)."""

from django.urls import path

from . import views

app_name = "stories"

urlpatterns = [
    path("", views.story_list, name="list"),
    path("new/", views.story_create, name="create"),
    path("<int:pk>/", views.story_detail, name="detail"),
    path("<int:pk>/delete/", views.story_delete, name="delete"),
]
