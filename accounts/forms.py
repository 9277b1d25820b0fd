from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.http import HttpRequest
from django.utils import timezone

from .models import Profile
from .security import reset_mail_allowed


class SettingsForm(forms.ModelForm):
    desired_retention = forms.TypedChoiceField(
        label="Target recall",
        coerce=float,
        choices=[
            (0.8, "80%: fewer reviews"),
            (0.85, "85%"),
            (0.9, "90%: recommended"),
            (0.93, "93%"),
            (0.95, "95%: more reviews, near the interview"),
        ],
        help_text=Profile._meta.get_field("desired_retention").help_text,
    )

    class Meta:
        model = Profile
        fields = ("desired_retention", "daily_goal", "interview_date")
        widgets = {"interview_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        current = self.instance.desired_retention
        choices = self.fields["desired_retention"].choices
        if current not in [value for value, _ in choices]:
            # A value set by an import stays selectable.
            choices.append((current, f"{round(current * 100)}%"))

    def clean_interview_date(self):
        day = self.cleaned_data["interview_date"]
        if day and day < timezone.localdate():
            raise forms.ValidationError("That date has passed: pick a future date, or clear it.")
        return day


class ImportDataForm(forms.Form):
    file = forms.FileField(
        label="Your export (JSON)", help_text="A file downloaded from this page. Up to 10 MB."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


def password_is_right(request: HttpRequest, user, password: str) -> bool:
    """Check a signed-in user's own password through authenticate(), so django-axes counts
    each wrong guess and locks out as it does at log-in: someone holding a stolen session
    can't use these forms to brute-force the password (found in review)."""
    found = authenticate(request, username=user.get_username(), password=password)
    return found is not None and found.pk == user.pk


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change, with the old password checked as log-in checks it."""

    def __init__(self, user, *args, request: HttpRequest, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not password_is_right(self.request, self.user, old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's password reset, sending at most a few mails an hour per address and client.

    Over the limit the page says the same as always (whether an address has an account
    stays private); the mail just isn't sent.
    """

    def save(self, *args, request: HttpRequest | None = None, **kwargs) -> None:
        if request is not None and not reset_mail_allowed(request, self.cleaned_data["email"]):
            return
        super().save(*args, request=request, **kwargs)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="Yes, delete my account and everything in it, for good.",
        error_messages={"required": "Tick the box to confirm: this can't be undone."},
    )

    def __init__(self, *args, request: HttpRequest, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.request = request
        self.user = request.user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not password_is_right(self.request, self.user, password):
            raise forms.ValidationError("That isn't your password.")
        return password
