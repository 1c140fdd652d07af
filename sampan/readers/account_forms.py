"""The reader's account forms: how they are shown, and how their account ends."""

from django import forms

from . import services


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label="Display name",
        max_length=100_000,  # a longer paste is cut to the shown length, not refused
        help_text=f"Shown with your comments; up to {services.NAME_LENGTH} characters.",
    )
    website = forms.CharField(
        label="Website",
        required=False,
        max_length=500,
        help_text="Your name links here. An address starting with https:// or http://, or leave it empty.",
        widget=forms.URLInput,
    )

    def clean_display_name(self) -> str:
        name = services.clean_display_name(self.cleaned_data["display_name"])
        if not name:
            raise forms.ValidationError("Give a name to show with your comments.")
        return name

    def clean_website(self) -> str:
        raw = self.cleaned_data["website"].strip()
        if not raw:
            return ""
        website = services.clean_website(raw)
        if not website:
            raise forms.ValidationError("Give a web address starting with https:// or http://.")
        return website


class DeleteAccountForm(forms.Form):
    KEEP = "keep"
    DELETE = "delete"
    comments = forms.ChoiceField(
        label="Your comments",
        choices=[
            (KEEP, "Keep them, shown as written by “a former reader” (your name, email and website removed)"),
            (DELETE, "Delete them"),
        ],
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(label="Yes, delete my account. This cannot be undone.")

    @property
    def keep_comments(self) -> bool:
        return self.cleaned_data["comments"] == self.KEEP
