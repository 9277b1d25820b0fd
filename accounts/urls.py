from django.contrib.auth.views import PasswordResetView
from django.urls import include, path, re_path

from . import views
from .forms import ThrottledPasswordResetForm

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("settings/", views.account_settings, name="account_settings"),
    path("data/", views.account_data, name="account_data"),
    re_path(
        r"^data/export/(?P<kind>json|markdown|csv)/$", views.data_export, name="account_data_export"
    ),
    path("data/import/", views.data_import, name="account_data_import"),
    path("data/delete/", views.account_delete_view, name="account_delete"),
    # Before Django's own, which it replaces: old passwords checked as log-in checks them.
    path("password_change/", views.PasswordChange.as_view(), name="password_change"),
    path(
        "password_reset/",
        PasswordResetView.as_view(form_class=ThrottledPasswordResetForm),
        name="password_reset",
    ),
    path("", include("django.contrib.auth.urls")),
]
