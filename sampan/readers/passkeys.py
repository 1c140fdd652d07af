"""Passkeys on the reader's account page: add one, remove one. Signing in with one is allauth's (the sign-in
page's "Sign in with a passkey" button posts to `mfa_login_webauthn`).

allauth's WebAuthn ceremony, on our own pages: every passkey is made "passwordless" (a resident key with user
verification), since for a reader it is a way in of its own, not a second step after another. The browser
part is allauth's webauthn-json plus our `readers/passkey.js`, all same-origin static files: the site's CSP
allows no inline script, and the creation options travel in a JSON data block, which no CSP blocks.

A passkey outlives "sign out everywhere", so one is added only within FRESH_SIGN_IN of signing in: a session
cookie someone took cannot quietly add a way back in. allauth's own re-authentication cannot serve here (readers
have no password, and website or Fediverse readers no code address), so it is off, and this check stands in for
it in the form (`MFA_FORMS`), which allauth's own add page uses too.
"""

import time

from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.internal.flows.add import validate_can_add_authenticator
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from allauth.mfa.webauthn.internal import auth, flows
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .account import reader_required

NAME_LENGTH = 60
FRESH_SIGN_IN = 15 * 60  # seconds


class PasskeyAdapter(DefaultMFAAdapter):
    def is_mfa_enabled(self, user, types=None) -> bool:  # type: ignore[no-untyped-def]
        # A reader's passkey is a way in of its own, never a second step demanded after their email code or
        # their website: losing a passkey must not lock a reader out of the ways in they had before.
        return False

    def get_public_key_credential_user_entity(self, user) -> dict:  # type: ignore[no-untyped-def]
        # The name the reader's passkey manager shows: how the blog knows them, not the internal user name.
        entity = super().get_public_key_credential_user_entity(user)
        reader = getattr(user, "reader", None)
        shown = (reader.display_name if reader else "") or user.email or entity["name"]
        return {**entity, "name": shown, "display_name": shown}


class AddPasskeyForm(AddWebAuthnForm):
    name = forms.CharField(
        label="Name for this passkey",
        max_length=NAME_LENGTH,
        required=False,
        help_text="So you can tell your passkeys apart, such as “Phone” or “Laptop”.",
    )
    passwordless = forms.BooleanField(required=False, initial=True, widget=forms.HiddenInput)

    def clean(self) -> dict:
        if not signed_in_recently(context.request):
            raise ValidationError("Sign in again to add a passkey: it must follow a fresh sign-in.")
        return super().clean()


def signed_in_recently(request: HttpRequest) -> bool:
    """Did this session sign in (by any way in) within FRESH_SIGN_IN? allauth notes each sign-in in the session."""
    now = time.time()
    records = get_authentication_records(request, request.user)
    return any(isinstance(r.get("at"), int | float) and 0 <= now - r["at"] < FRESH_SIGN_IN for r in records)


def passkeys_of(user) -> list:  # type: ignore[no-untyped-def]
    return list(Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).order_by("pk"))


@reader_required
def add_passkey(request: HttpRequest) -> HttpResponse:
    try:
        validate_can_add_authenticator(request.user)
    except ValidationError:
        messages.error(
            request, "Confirm your email address by signing in with a code first, then add a passkey."
        )
        return HttpResponseRedirect(reverse("reader_account:home"))
    if not signed_in_recently(request):
        return render(request, "readers/account/sign_in_again.html", {"minutes": FRESH_SIGN_IN // 60})
    form = AddPasskeyForm(request.POST or None, user=request.user)
    if request.method == "POST":
        try:
            valid = form.is_valid()
        except (ValueError, KeyError, TypeError) as exc:  # fido2 refuses a malformed or tampered credential
            form.add_error(None, f"Your browser's answer could not be used ({exc}). Please try again.")
            valid = False
        if valid:
            flows.add_authenticator(
                request, name=form.cleaned_data["name"], credential=form.cleaned_data["credential"]
            )
            return HttpResponseRedirect(reverse("reader_account:home") + "#passkeys")
    creation_options = auth.begin_registration(request.user, True)
    return render(
        request,
        "readers/account/add_passkey.html",
        {"form": form, "passkey_data": {"creation_options": creation_options}},
        status=400 if form.errors else 200,
    )


@require_POST
@reader_required
def remove_passkey(request: HttpRequest, pk: int) -> HttpResponse:
    authenticator = get_object_or_404(
        Authenticator, pk=pk, user=request.user, type=Authenticator.Type.WEBAUTHN
    )
    flows.remove_authenticator(request, authenticator)
    return HttpResponseRedirect(reverse("reader_account:home") + "#passkeys")


@require_POST
@reader_required
def sign_in_again(request: HttpRequest) -> HttpResponse:
    """Sign out here and go to the sign-in page, to come back to adding a passkey."""
    logout(request)
    return HttpResponseRedirect(f"{reverse('account_login')}?next={reverse('reader_account:add_passkey')}")
