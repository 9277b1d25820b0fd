from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interview_prep.http import HtmxHttpRequest
from practice.forms import SignUpForm

from . import data
from .forms import DeleteAccountForm, ImportDataForm, SettingsForm, ThrottledPasswordChangeForm
from .models import Profile
from .services import account_delete, settings_update


@require_http_methods(["GET", "POST"])
def signup(request: HtmxHttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "practice:start")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="accounts.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}. Your account is ready.")
        return redirect(next_url or "practice:start")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
@login_required
def account_settings(request: HtmxHttpRequest) -> HttpResponse:
    profile = Profile.objects.of(request.user)
    form = SettingsForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        settings_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Settings saved.")
        return redirect("account_settings")
    return render(request, "accounts/settings.html", {"form": form, "profile": profile})


def _render_data_page(request, *, import_form=None, delete_form=None, status=200):
    context = {
        "import_form": import_form or ImportDataForm(),
        "delete_form": delete_form or DeleteAccountForm(request=request),
    }
    return render(request, "accounts/data.html", context, status=status)


@require_GET
@login_required
def account_data(request: HtmxHttpRequest) -> HttpResponse:
    return _render_data_page(request)


EXPORTS = {
    "json": (data.export_json, "application/json", "json"),
    "markdown": (data.export_markdown, "text/markdown", "md"),
    "csv": (data.export_csv, "text/csv", "csv"),
}


@require_GET
@login_required
def data_export(request: HtmxHttpRequest, kind: str) -> HttpResponse:
    make, content_type, suffix = EXPORTS[kind]
    response = HttpResponse(make(request.user), content_type=f"{content_type}; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    name = {"json": "data", "markdown": "answers", "csv": "attempts"}[kind]
    response["Content-Disposition"] = (
        f'attachment; filename="interview-prep-{name}-{stamp}.{suffix}"'
    )
    return response


@require_POST
@login_required
def data_import(request: HtmxHttpRequest) -> HttpResponse:
    form = ImportDataForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > data.MAX_IMPORT_BYTES:
                raise data.DataError(
                    [f"the file is {upload.size / 1024 / 1024:.1f} MB; the limit is 10 MB"]
                )
            counts = data.import_data(request.user, upload.read())
        except data.DataError as exc:
            form.add_error(None, f"Nothing was imported: {len(exc.errors)} problem(s).")
            for problem in exc.errors[:20]:
                form.add_error(None, problem)
        else:
            messages.success(
                request,
                f"Imported {counts['sessions']} session(s), {counts['attempts']} answer(s), "
                f"{counts['reviews']} review(s) and {counts['stories']} stor"
                f"{'y' if counts['stories'] == 1 else 'ies'}. "
                "Anything already here was left as it was.",
            )
            return redirect("account_data")
    return _render_data_page(request, import_form=form)


@require_POST
@login_required
def account_delete_view(request: HtmxHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST, request=request)
    if not form.is_valid():
        return _render_data_page(request, delete_form=form)
    user = request.user
    logout(request)
    account_delete(user=user)
    messages.success(request, "Your account and all its data have been deleted.")
    return redirect("home")


class PasswordChange(PasswordChangeView):
    """Django's password change view, with the old password checked through authenticate()
    so django-axes throttles guesses here as at log-in (ThrottledPasswordChangeForm)."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}
