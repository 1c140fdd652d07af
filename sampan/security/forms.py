from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from . import lockout


class SignInForm(AdminAuthenticationForm):
    """The admin's sign-in form, refusing to even check a password while the account or client is locked."""

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        assert self.request is not None
        minutes = lockout.minutes_locked(self.request, username)
        if minutes:
            raise ValidationError(lockout.message(minutes), code="locked")
        try:
            return super().clean()
        except ValidationError:
            # Same count and same answer for unknown names, wrong passwords and non-staff accounts.
            lockout.record_failure(self.request, username)
            raise


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}
        ),
    )
