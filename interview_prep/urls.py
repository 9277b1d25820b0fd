from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from practice import views as practice_views
from questions import views as question_views

admin.site.site_header = "interview_prep curation"
admin.site.site_title = "interview_prep admin"
# The changelist needs the width more than a second copy of the app list does.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", question_views.home, name="home"),
    path("", include("questions.urls")),
    path("practice/", include("practice.urls")),
    path("progress/", practice_views.progress, name="progress"),
    path("stories/", include("practice.story_urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCH:  # the load benchmark's bare view; absent unless BENCH=1
    from interview_prep import bench

    urlpatterns.append(path("__bench/ok", bench.ok))
    urlpatterns.append(path("__bench/page", bench.empty_page))
