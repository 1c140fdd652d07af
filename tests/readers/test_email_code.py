"""Signing in with an emailed code: one form for new and returning readers, three tries per code, a code works
once, writers' addresses never get one, and mails are plain text from the blog's own address."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.utils import timezone

from sampan.readers.models import Block, Reader
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"
CONFIRM = "/accounts/login/code/confirm/"
POST_PATH = "/2026/11/01/hello/"


def ask_for_code(client, email="ann@example.org", next_path=POST_PATH):
    return client.post(SIGN_IN, {"email": email, "next": next_path})


def code_in(message) -> str:
    return re.search(r"^\s{4}(\S+)$", message.body, re.MULTILINE).group(1)


def signed_in(client):
    return client.session.get(SESSION_KEY)


def test_the_sign_in_page_offers_every_way_in_and_lets_its_forms_lead_to_the_readers_server(client):
    page = client.get(SIGN_IN, {"next": POST_PATH})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your email address" in html
    assert 'name="me"' in html and 'name="account"' in html
    assert f'name="next" value="{POST_PATH}"' in html
    policy = page["Content-Security-Policy"]
    assert re.search(r"form-action 'self' https:", policy)
    assert "http:" not in policy.split("form-action")[1].split(";")[0]


def test_a_new_address_gets_a_code_and_becomes_a_signed_in_reader(client):
    response = ask_for_code(client)
    assert response.status_code == 302
    assert response["Location"].startswith(CONFIRM)
    assert "ann@example.org" in client.get(response["Location"]).content.decode()
    (message,) = mail.outbox
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.to == ["ann@example.org"]
    assert not getattr(message, "alternatives", None), "plain text only"
    assert "http" not in message.body.replace(settings.SITE_URL, "")
    confirmed = client.post(response["Location"], {"code": code_in(message)})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == POST_PATH
    reader = Reader.objects.get()
    assert signed_in(client) == str(reader.user.pk)
    assert reader.display_name == ""  # never taken from the address: the comment form asks for a name
    assert EmailAddress.objects.get(user=reader.user).verified


def test_a_returning_reader_gets_a_code_for_the_same_account(client):
    first = ask_for_code(client)
    client.post(first["Location"], {"code": code_in(mail.outbox[0])})
    reader = Reader.objects.get()
    client.post("/accounts/logout/")
    again = ask_for_code(client, email="Ann@Example.org")
    client.post(again["Location"], {"code": code_in(mail.outbox[1])})
    assert Reader.objects.count() == 1
    assert signed_in(client) == str(reader.user.pk)


def test_three_wrong_codes_lock_the_code(client):
    started = ask_for_code(client)
    code = code_in(mail.outbox[0])
    for _ in range(2):
        wrong = client.post(started["Location"], {"code": "WRONG1"})
        assert wrong.status_code == 200
        assert 'aria-invalid="true"' in wrong.content.decode()
    locked = client.post(started["Location"], {"code": "WRONG1"})
    assert locked.status_code == 302
    assert not locked["Location"].startswith(CONFIRM)
    late = client.post(started["Location"], {"code": code})
    assert late.status_code == 302 and not late["Location"].startswith(CONFIRM)
    assert signed_in(client) is None


def test_a_used_code_does_not_sign_in_again(client, django_user_model):
    started = ask_for_code(client)
    code = code_in(mail.outbox[0])
    client.post(started["Location"], {"code": code})
    client.post("/accounts/logout/")
    assert signed_in(client) is None
    again = client.post(CONFIRM, {"code": code})
    assert again.status_code == 302
    assert signed_in(client) is None


def test_a_writers_address_gets_no_code_and_no_session(client):
    writer = make_user("editor", role="Editor")
    started = ask_for_code(client, email=writer.email)
    assert started["Location"].startswith(
        CONFIRM
    )  # the same page as anyone: whose address it is stays unsaid
    (message,) = mail.outbox
    assert "/admin/" in message.body
    assert "code was made" in message.body
    client.post(started["Location"], {"code": "ABCDEF"})
    assert signed_in(client) is None
    assert not Reader.objects.exists()


def test_a_writer_is_refused_even_when_allauth_would_sign_them_in(client, rf):
    from sampan.readers.adapter import ReaderAccountAdapter

    writer = make_user("editor", role="Editor")
    request = client.get(SIGN_IN).wsgi_request
    response = ReaderAccountAdapter(request).pre_login(request, writer)
    assert response is not None and response.status_code == 403


def test_a_blocked_domain_is_told_so_and_gets_no_mail(client):
    Block.objects.create(kind=Block.Kind.DOMAIN, value="example.org")
    page = ask_for_code(client)
    assert page.status_code == 200
    assert "does not take sign-ins or comments from example.org" in page.content.decode()
    assert not mail.outbox
    assert not Reader.objects.exists()


def test_asking_again_and_again_for_one_address_is_slowed_down():
    for _ in range(3):
        ask_for_code(Client())
    page = ask_for_code(Client())
    assert page.status_code == 200
    assert "Too many" in page.content.decode()
    assert len(mail.outbox) == 3


@pytest.mark.parametrize(
    "target", ["https://evil.test/", "//evil.test", "/\\evil.test", "javascript:alert(1)"]
)
def test_an_address_elsewhere_to_go_back_to_is_not_followed(client, target):
    started = ask_for_code(client, next_path=target)
    confirmed = client.post(started["Location"], {"code": code_in(mail.outbox[0])})
    assert confirmed["Location"] == "/"


def test_a_reader_can_go_back_and_use_another_address(client):
    ask_for_code(client, email="typo@example.org")
    page = client.get(SIGN_IN)
    assert page.status_code == 200
    started = ask_for_code(client)
    client.post(started["Location"], {"code": code_in(mail.outbox[1])})
    assert signed_in(client) == str(Reader.objects.get(user__email="ann@example.org").user.pk)


def test_there_is_no_separate_sign_up(client):
    page = client.get("/accounts/signup/")
    assert "There is no separate sign-up" in page.content.decode()


def test_an_address_whose_code_never_came_back_is_forgotten_a_day_later(client):
    ask_for_code(Client(), email="not-mine@example.org")
    started = ask_for_code(client)
    client.post(started["Location"], {"code": code_in(mail.outbox[1])})
    Reader.objects.update(created=timezone.now() - timedelta(days=2))
    ask_for_code(Client(), email="bo@example.org")
    emails = set(Reader.objects.values_list("user__email", flat=True))
    assert emails == {"ann@example.org", "bo@example.org"}


@pytest.mark.parametrize(
    "path", ["/accounts/password/reset/", "/accounts/password/set/", "/accounts/password/change/"]
)
def test_there_are_no_password_pages_for_anyone(client, path):
    client.force_login(make_user("editor", role="Editor"))
    assert client.get(path).status_code == 404
    assert client.post(path, {"email": "editor@example.org"}).status_code == 404
    assert not mail.outbox


def test_allauth_pages_wear_the_blogs_look(client):
    from sampan.core.fragments import site_settings

    page = client.get("/accounts/3rdparty/login/cancelled/").content.decode()
    assert f'rel="home">{site_settings().title}</a>' in page
    assert "readers/readers.css" in page


def test_the_continue_to_your_provider_page_may_send_its_form_to_the_provider(client):
    from allauth.socialaccount.models import SocialApp

    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="idp",
        name="Example ID",
        client_id="blog",
        secret="s3cret",
        settings={"server_url": "https://id.example"},
    )
    page = client.get("/accounts/oidc/idp/login/")
    assert page.status_code == 200
    assert re.search(r"form-action 'self' https:", page["Content-Security-Policy"])
    # Directives come in no fixed order, and the last one has no ';' after it.
    assert "form-action 'self';" in client.get("/")["Content-Security-Policy"] + ";"
