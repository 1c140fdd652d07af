"""The "Leave a Reply" form. Field names are WordPress's (comment, author, email, url, comment_post_ID,
comment_parent), so forms of old themes posting to /wp-comments-post.php keep working."""

from typing import Any

from django import forms

from .guard import HONEYPOT_FIELD, TOKEN_FIELD
from .models import DiscussionSettings

# The services' names for the fields their messages belong to, in this form's words.
HIDDEN = {"comment_post_ID", "comment_parent"}
FIELD_FOR = {"body": "comment", "author_name": "author", "author_email": "email", "parent": "comment_parent"}


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="Comment",
        strip=True,
        required=False,  # checked in clean_comment with the services' own message
        widget=forms.Textarea,
    )
    author = forms.CharField(
        label="Name",
        max_length=200,
        required=False,
        error_messages={"max_length": "Please shorten your name."},
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        required=False,
        error_messages={"invalid": "Please give a valid email address, like name@example.org."},
    )
    url = forms.URLField(
        label="Website",
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": "Please give a web address, like https://example.org/, or leave it empty."
        },
    )
    notify_followups = forms.BooleanField(label="Notify me of follow-up comments by email.", required=False)
    follow_blog = forms.BooleanField(label="Notify me of new posts by email.", required=False)
    comment_post_ID = forms.IntegerField(widget=forms.HiddenInput)
    comment_parent = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(
        self,
        *args: Any,
        settings: DiscussionSettings,
        signed_in: bool = False,
        ask_name: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.settings = settings
        self.signed_in = signed_in
        # A signed-in reader who has no name to show yet gives one (kept for their later comments).
        self.ask_name = signed_in and ask_name
        self.names_required = settings.require_name_email and not signed_in
        if signed_in:
            for name in ("email", "url") if self.ask_name else ("author", "email", "url"):
                del self.fields[name]

    def clean_comment(self) -> str:
        text: str = self.cleaned_data.get("comment", "")
        if not text:
            raise forms.ValidationError("Please type a comment.")
        if len(text) > self.settings.max_length:
            raise forms.ValidationError(
                f"Your comment is {len(text):,} characters long; the limit is {self.settings.max_length:,}."
            )
        return text

    def clean_author(self) -> str:
        name: str = self.cleaned_data.get("author", "")
        if (self.names_required or self.ask_name) and not name.strip():
            raise forms.ValidationError("Please give your name.")
        return name

    def clean_email(self) -> str:
        email: str = self.cleaned_data.get("email", "")
        if self.names_required and not email and "email" not in self.errors:
            raise forms.ValidationError("Please give your email address (it is never shown).")
        return email

    @property
    def problems(self) -> list[tuple[str, str]]:
        """(id of the field it is about, message) for every error, for the summary that links to each field."""
        return [
            (name if name in self.fields and name not in HIDDEN else "", str(message))
            for name, messages in self.errors.items()
            for message in messages
        ]

    @property
    def honeypot_name(self) -> str:
        return HONEYPOT_FIELD

    @property
    def token_name(self) -> str:
        return TOKEN_FIELD
