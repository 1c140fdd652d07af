"""A signed-in reader's account page in a real browser: change the name, download the data, sign out on every
device, delete the account (keeping the comments as a former reader's, or deleting them), and add a passkey
with Chromium's virtual authenticator, then sign in with it from the sign-in page.

The reader is signed in the quickest honest way: a real session made by Django's test client, handed to the
browser as its cookie (the email-code sign-in has browser tests of its own).
"""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from sampan.comments.models import Comment
from sampan.readers import services
from sampan.readers.models import Reader
from tests.factories import make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def make_reader(name: str = "Ama Mensah", me: str = "https://ama.example/"):  # type: ignore[no-untyped-def]
    return services.reader_for_identity(
        method="indieauth", issuer="https://auth.example/", subject=me, display_name=name, profile_url=me
    )


def sign_in(context: BrowserContext, site_url: str, user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site_url}])


def account_page(page: Page, site_url: str) -> None:
    page.set_default_timeout(10_000)
    page.goto(f"{site_url}/accounts/you/")
    expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()


def commented_post(user, body: str):  # type: ignore[no-untyped-def]
    post = make_post("Slow boats", body="Two days against the current.")
    Comment.objects.create(
        post=post, user=user, author_name=user.reader.display_name, author_url=user.reader.website,
        body=body, body_html=f"<p>{body}</p>", status="approved",
    )  # fmt: skip
    return post


def test_a_reader_changes_their_display_name(page: Page, context: BrowserContext, site_url, axe_check):
    sign_in(context, site_url, make_reader())
    account_page(page, site_url)
    axe_check(page)
    name = page.get_by_label("Display name")
    expect(name).to_have_value("Ama Mensah")
    name.fill("<b>Ama</b> \u202eM.")
    page.get_by_label("Website").fill("javascript:alert(1)")
    page.get_by_role("button", name="Save name and website").click()
    expect(page.get_by_role("alert")).to_contain_text("starting with https:// or http://")
    axe_check(page)
    page.get_by_label("Website").fill("https://ama.example/notes/")
    page.get_by_role("button", name="Save name and website").click()
    expect(page.get_by_role("status")).to_contain_text("Your name and website are saved.")
    expect(page.get_by_label("Display name")).to_have_value("<b>Ama</b> M.")
    expect(page.get_by_text("<b>Ama</b> M.", exact=True)).to_be_visible()  # shown as text, not markup


def test_a_reader_downloads_their_data(page: Page, context: BrowserContext, site_url):
    user = make_reader()
    commented_post(user, "Rowing is slow and good.")
    sign_in(context, site_url, user)
    account_page(page, site_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your data (JSON)").click()
    assert re.fullmatch(r"my-data-\d{4}-\d\d-\d\d\.json", download.value.suggested_filename)
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["account"]["display_name"] == "Ama Mensah"
    assert data["identities"][0]["profile_url"] == "https://ama.example/"
    assert [c["comment"] for c in data["comments"]] == ["Rowing is slow and good."]


def test_sign_out_everywhere_ends_the_session_in_another_browser(
    browser: Browser, page: Page, context, site_url
):
    user = make_reader()
    sign_in(context, site_url, user)
    other = browser.new_context()
    try:
        sign_in(other, site_url, user)
        phone = other.new_page()
        account_page(phone, site_url)
        account_page(page, site_url)
        page.get_by_role("button", name="Sign out everywhere").click()
        expect(page.get_by_role("heading", name="You are signed out everywhere")).to_be_visible()
        phone.reload()
        expect(phone).to_have_url(re.compile(r"/accounts/login/\?next=/accounts/you/$"))
        page.goto(f"{site_url}/accounts/you/")
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
    finally:
        other.close()


@pytest.mark.parametrize("choice", ["keep", "delete"])
def test_a_reader_deletes_their_account(page: Page, context: BrowserContext, site_url, axe_check, choice):
    user = make_reader()
    post = commented_post(user, "Words from the stern.")
    sign_in(context, site_url, user)
    account_page(page, site_url)
    page.get_by_role("link", name="Delete your account").click()
    axe_check(page)
    page.get_by_role("button", name="Delete my account").click()  # nothing chosen: nothing happens
    expect(page.get_by_role("heading", name="Delete your account")).to_be_visible()
    assert get_user_model().objects.filter(pk=user.pk).exists()
    label = "Keep them" if choice == "keep" else "Delete them"
    page.get_by_role("radio", name=re.compile(label)).check()
    page.get_by_role("checkbox", name=re.compile("Yes, delete my account")).check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    axe_check(page)
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    page.goto(site_url + post.get_absolute_url())
    if choice == "keep":
        expect(page.get_by_text("Words from the stern.")).to_be_visible()
        expect(page.get_by_text("a former reader")).to_be_visible()
        expect(page.get_by_text("Ama Mensah")).to_have_count(0)
    else:
        expect(page.get_by_text("Words from the stern.")).to_have_count(0)
    page.goto(f"{site_url}/accounts/you/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert make_reader().pk != user.pk  # the same website signing in again is a new reader


def virtual_authenticator(page: Page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_a_reader_adds_a_passkey_after_a_fresh_sign_in_and_signs_in_with_it(
    page: Page, context: BrowserContext, site_url, axe_check
):
    user = services.make_email_reader("ama@example.org")
    EmailAddress.objects.filter(user=user).update(verified=True)
    Reader.objects.filter(user=user).update(display_name="Ama Mensah")
    sign_in(context, site_url, user)  # a session from who knows when: not fresh enough to add a passkey
    virtual_authenticator(page)
    account_page(page, site_url)
    page.get_by_role("link", name="Add a passkey").click()
    page.get_by_role("button", name="Sign in again").click()
    type_code(page, "ama@example.org")
    expect(page).to_have_url(re.compile(r"/accounts/you/passkeys/add/$"))
    axe_check(page)
    page.get_by_label("Name for this passkey").fill("Laptop")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Remove passkey Laptop")).to_be_visible()
    key = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Laptop"

    context.clear_cookies()  # signed out in this browser; the passkey stays on its authenticator
    page.goto(f"{site_url}/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{site_url}/accounts/you/")
    expect(page.get_by_label("Display name")).to_have_value("Ama Mensah")
    key.refresh_from_db()
    assert key.last_used_at is not None


def sign_in_by_code(page: Page, site_url: str, email: str) -> None:
    page.goto(f"{site_url}/accounts/login/")
    type_code(page, email)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def type_code(page: Page, email: str) -> None:
    """On the sign-in page: the address, then the code from the mail the blog sent."""
    mail.outbox.clear()
    page.get_by_role("textbox", name="Your email address").fill(email)
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_role("heading", name="Type the code we sent you")).to_be_visible()
    code = re.search(r"^ {4}(\S+)$", str(mail.outbox[-1].body), re.MULTILINE)
    assert code, mail.outbox[-1].body
    page.get_by_role("textbox", name="Code", exact=True).fill(code.group(1))
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_after_deleting_the_account_signing_in_again_by_email_makes_a_new_empty_one(page: Page, site_url):
    page.set_default_timeout(10_000)
    sign_in_by_code(page, site_url, "efua@example.org")
    first = get_user_model().objects.get(email="efua@example.org")
    post = commented_post(first, "Said while signed in.")
    account_page(page, site_url)
    page.get_by_label("Display name").fill("Efua Owusu")
    page.get_by_role("button", name="Save name and website").click()
    expect(page.get_by_text("Email code: efua@example.org")).to_be_visible()
    page.get_by_role("link", name="Delete your account").click()
    page.get_by_role("radio", name=re.compile("Keep them")).check()
    page.get_by_role("checkbox", name=re.compile("Yes, delete my account")).check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()

    sign_in_by_code(page, site_url, "efua@example.org")
    again = get_user_model().objects.get(email="efua@example.org")
    assert again.pk != first.pk
    account_page(page, site_url)
    expect(page.get_by_label("Display name")).not_to_have_value("Efua Owusu")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your data (JSON)").click()
    assert json.loads(download.value.path().read_text(encoding="utf-8"))["comments"] == []
    page.goto(site_url + post.get_absolute_url())
    expect(page.get_by_text("Said while signed in.")).to_be_visible()
    expect(page.get_by_text("a former reader")).to_be_visible()
