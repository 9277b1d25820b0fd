from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.views.decorators.http import require_GET

from practice import views as practice_views
from questions import views as question_views

admin.site.site_header = "interview_prep curation"
admin.site.site_title = "interview_prep admin"
# The changelist needs the width more than a second copy of the app list does.
admin.site.enable_nav_sidebar = False


@admin.site.admin_view  # like every admin URL, behind the admin login first
@require_GET
def view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    """The admin's "View on site" redirect, only for staff who may see that model in the admin.

    Django's own checks only that the user is staff, so staff without permissions could learn
    where any object lives: a draft suggestion's address, or whose story or answer an id is
    (found in review). Same address as Django's, matched first.
    """
    model = get_object_or_404(ContentType, pk=content_type_id).model_class()
    if model is None:
        raise Http404
    opts = model._meta
    if not any(
        request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
        for action in ("view", "change")
    ):
        raise Http404
    return shortcut(request, content_type_id, object_id)


urlpatterns = [
    path("", question_views.home, name="home"),
    path("", include("questions.urls")),
    path("practice/", include("practice.urls")),
    path("progress/", practice_views.progress, name="progress"),
    path("stories/", include("practice.story_urls")),
    path("accounts/", include("accounts.urls")),
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/", view_on_site, name="admin_view_on_site"
    ),
    path("admin/", admin.site.urls),
]

if settings.BENCH:  # the load benchmark's bare view; absent unless BENCH=1
    from interview_prep import bench

    urlpatterns.append(path("__bench/ok", bench.ok))
    urlpatterns.append(path("__bench/page", bench.empty_page))
