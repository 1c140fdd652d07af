"""Passkeys on the reader's account page (the WebAuthn ceremony itself runs in tests/e2e/test_reader_account.py,
with Chromium's virtual authenticator): who may add one, what the page carries, removing one, bad answers."""

import re
import time

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.views import AddWebAuthnView
from django.core import mail
from django.test import Client

from sampan.readers import services
from sampan.readers.models import Reader
from sampan.readers.passkeys import AddPasskeyForm

pytestmark = pytest.mark.django_db

ADD = "/accounts/you/passkeys/add/"


def website_reader(me: str = "https://ama.example/"):  # type: ignore[no-untyped-def]
    return services.reader_for_identity(
        method="indieauth", issuer="https://auth.example/", subject=me, display_name="Ama", profile_url=me
    )


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def freshly_signed_in(email: str = "ama@example.org") -> tuple[Client, object]:
    """Signed in just now, by the email code, as a reader would be."""
    client = Client()
    mail.outbox.clear()
    client.post("/accounts/login/", {"email": email})
    code = re.search(r"^ {4}(\S+)$", str(mail.outbox[-1].body), re.MULTILINE)
    assert code, mail.outbox[-1].body
    response = client.post("/accounts/login/code/confirm/", {"code": code.group(1)})
    assert response.status_code == 302, response.content.decode()[:500]
    user = EmailAddress.objects.get(email=email).user
    Reader.objects.filter(user=user).update(display_name="Ama")
    return client, user


def passkey(user, name: str = "Phone") -> Authenticator:  # type: ignore[no-untyped-def]
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": name, "credential": {}}
    )


def test_the_add_page_asks_for_a_resident_key_with_user_verification_and_runs_no_inline_script():
    client, _ = freshly_signed_in()
    page = client.get(ADD).content.decode()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts, "the page needs its scripts"
    for attributes in scripts:
        assert 'src="/static/' in attributes or 'type="application/json"' in attributes, attributes
    assert '"residentKey": "required"' in page
    assert '"userVerification": "required"' in page
    assert '"name": "Ama"' in page  # the passkey manager shows the reader's name, not an internal one


def test_a_session_not_signed_in_lately_must_sign_in_again_first():
    client = signed_in(website_reader())  # signed in at some time nobody recorded
    page = client.get(ADD).content.decode()
    assert "Sign in again" in page
    assert "residentKey" not in page
    response = client.post("/accounts/you/passkeys/sign-in-again/")
    assert response["Location"] == f"/accounts/login/?next={ADD}"
    assert client.get("/accounts/you/").status_code == 302  # signed out


def test_a_sign_in_older_than_a_quarter_of_an_hour_is_not_fresh_enough():
    client, user = freshly_signed_in()
    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] = time.time() - 16 * 60
    session.save()
    assert "Sign in again" in client.get(ADD).content.decode()
    response = client.post(ADD, {"name": "Laptop", "credential": "{}", "passwordless": "on"})
    assert "Sign in again" in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()
    # allauth's own add page, still at its address, checks with the same form
    assert AddWebAuthnView().get_form_class() is AddPasskeyForm


def test_someone_not_signed_in_is_sent_to_sign_in_first():
    response = Client().get(ADD)
    assert response["Location"] == f"/accounts/login/?next={ADD}"


def test_an_unconfirmed_email_address_must_be_confirmed_first():
    user = website_reader()
    EmailAddress.objects.create(user=user, email="ama@example.org", verified=False)
    client = signed_in(user)
    response = client.get(ADD)
    assert response["Location"] == "/accounts/you/"
    assert "Confirm your email address" in client.get("/accounts/you/").content.decode()


@pytest.mark.parametrize(
    "credential",
    ["not json", '{"id": "x"}', '{"type": "public-key", "response": {"clientDataJSON": "AAAA"}}'],
)
def test_a_malformed_or_forged_answer_adds_nothing_and_says_so(credential):
    client, user = freshly_signed_in()
    client.get(ADD)  # the ceremony starts: a challenge in the session
    response = client.post(ADD, {"name": "Laptop", "credential": credential, "passwordless": "on"})
    assert response.status_code == 400
    assert not Authenticator.objects.filter(user=user).exists()


def test_the_account_page_lists_passkeys_and_a_reader_removes_one():
    user = website_reader()
    phone, laptop = passkey(user, "Phone"), passkey(user, "Laptop")
    client = signed_in(user)
    page = client.get("/accounts/you/").content.decode()
    assert "Phone (added" in page and "Laptop (added" in page
    assert client.get(f"/accounts/you/passkeys/{phone.pk}/remove/").status_code == 405
    response = client.post(f"/accounts/you/passkeys/{phone.pk}/remove/")
    assert response["Location"] == "/accounts/you/#passkeys"
    assert list(Authenticator.objects.filter(user=user)) == [laptop]


def test_nobody_removes_another_readers_passkey():
    owner = website_reader("https://owner.example/")
    key = passkey(owner)
    response = signed_in(website_reader()).post(f"/accounts/you/passkeys/{key.pk}/remove/")
    assert response.status_code == 404
    assert Authenticator.objects.filter(pk=key.pk).exists()


def test_a_passkey_is_a_way_in_of_its_own_never_a_second_step_after_another():
    user = website_reader()
    passkey(user)
    assert get_adapter().is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]) is False


@pytest.mark.parametrize("path", ["/accounts/2fa/", "/accounts/2fa/webauthn/", "/accounts/2fa/webauthn/add/"])
def test_allauths_own_passkey_pages_point_to_the_account_page_in_the_blogs_look(path):
    response = signed_in(website_reader()).get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/theme/sampan.css" in page
    assert 'href="/accounts/you/#passkeys"' in page
