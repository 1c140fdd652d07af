"""The email-code form: one address field for new and returning readers alike.

A returning reader gets a code for their account; a new address gets a reader account first (as allauth's own
code sign-up does, the account waits unconfirmed until the code comes back). A writer's address gets no code:
allauth mails it where writers sign in instead, and the page looks the same, so nobody learns whose address it is.
"""

from allauth.account.forms import RequestLoginCodeForm
from django import forms

from . import blocking, services


class EmailCodeForm(RequestLoginCodeForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = "Your email address"
        field.help_text = "We send a short code to it; type the code on the next page. No password."
        field.widget.attrs = {"autocomplete": "email", "inputmode": "email", "maxlength": "254"}
        field.error_messages["invalid"] = "Please give a valid email address, like name@example.org."
        field.error_messages["required"] = "Please give your email address."

    def clean_email(self) -> str:
        email: str = super().clean_email()
        refusal = blocking.refusal_for(issuer="", subject=email)
        if refusal:
            raise forms.ValidationError(refusal)
        user = getattr(self, "_user", None)
        if user is not None and services.is_staff(user):
            self._user = None
        elif user is None:
            self._user = services.make_email_reader(email)
        return email
