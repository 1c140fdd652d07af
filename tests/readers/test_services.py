"""Every outside sign-in ends in `sign_in_identity`: one reader per identity, the owner's blocks, no staff
sessions, and only same-origin addresses to go on to."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from sampan.readers import services
from sampan.readers.models import Block, Reader
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HOME = "/"


def browser_request():
    request = RequestFactory().get("/accounts/indieauth/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    return request


def sign_in(request=None, **identity):
    identity.setdefault("method", "fediverse")
    identity.setdefault("issuer", "https://social.example")
    identity.setdefault("subject", "https://social.example/@ann")
    identity.setdefault("display_name", "Ann")
    identity.setdefault("profile_url", "https://social.example/@ann")
    request = request or browser_request()
    return request, services.sign_in_identity(request, **identity)


def signed_in_user_id(request):
    return request.session.get(SESSION_KEY)


def test_a_new_identity_becomes_a_new_reader_and_is_signed_in():
    request, response = sign_in(next_url="/2026/11/01/hello/")
    assert response.status_code == 302
    assert response["Location"] == "/2026/11/01/hello/"
    reader = Reader.objects.get()
    assert reader.display_name == "Ann"
    assert reader.website == "https://social.example/@ann"
    assert str(reader.user.pk) == signed_in_user_id(request)
    account = SocialAccount.objects.get(user=reader.user)
    assert account.provider == "fediverse"
    assert account.extra_data == {
        "issuer": "https://social.example",
        "display_name": "Ann",
        "profile_url": "https://social.example/@ann",
    }
    assert not reader.user.has_usable_password()


def test_the_same_identity_signs_in_as_the_same_reader_with_its_new_name():
    first, _ = sign_in()
    again, _ = sign_in(display_name="Ann B.")
    assert Reader.objects.count() == 1
    assert signed_in_user_id(first) == signed_in_user_id(again)
    assert Reader.objects.get().display_name == "Ann B."


def test_another_subject_or_method_is_another_reader():
    sign_in()
    sign_in(subject="https://social.example/@bob", profile_url="https://social.example/@bob")
    sign_in(method="indieauth", issuer="https://auth.example/", subject="https://social.example/@ann")
    assert Reader.objects.count() == 3


def test_openid_connect_subjects_are_told_apart_by_their_issuer():
    sign_in(method="openid_connect", issuer="https://id-one.example", subject="1234")
    sign_in(method="openid_connect", issuer="https://id-two.example", subject="1234")
    assert Reader.objects.count() == 2


FEDIVERSE_ADDRESS = {"subject": "ann@social.example", "profile_url": ""}


@pytest.mark.parametrize(
    ("kind", "value", "identity"),
    [
        (Block.Kind.IDENTITY, "https://social.example/@ann/", {}),
        (Block.Kind.IDENTITY, "@ANN@social.example", FEDIVERSE_ADDRESS),
        (Block.Kind.INSTANCE, "social.example", {}),
        (Block.Kind.DOMAIN, "example", {}),
    ],
)
def test_a_blocked_identity_instance_or_domain_is_refused_with_a_clear_message(kind, value, identity):
    Block.objects.create(kind=kind, value=value)
    request, response = sign_in(**identity)
    assert response.status_code == 403
    assert "does not take sign-ins or comments from" in response.content.decode()
    assert signed_in_user_id(request) is None
    assert not Reader.objects.exists()


def test_a_domain_block_does_not_catch_a_lookalike_host():
    Block.objects.create(kind=Block.Kind.DOMAIN, value="ample")
    _, response = sign_in()
    assert response.status_code == 302


def test_a_staff_account_never_gets_a_session_from_a_reader_sign_in():
    writer = make_user(role="Editor")
    SocialAccount.objects.create(user=writer, provider="fediverse", uid="https://social.example/@ann")
    request, response = sign_in()
    assert response.status_code == 403
    assert "/admin/" in response.content.decode()
    assert signed_in_user_id(request) is None


def test_display_names_lose_direction_overrides_and_are_trimmed():
    sign_in(display_name="<b>Ann</b>\u202egnp.exe\u2066 " + "x" * 10_000)
    name = Reader.objects.get().display_name
    assert name.startswith("<b>Ann</b>gnp.exe x")
    assert len(name) == 80
    assert "\u202e" not in name


def test_a_profile_address_that_is_not_a_web_address_is_not_kept():
    sign_in(profile_url="javascript:alert(1)")
    assert Reader.objects.get().website == ""


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.test/",
        "//evil.test",
        "/\\evil.test",
        "javascript:alert(1)",
        "http://testserver/elsewhere/",
        "",
        "/ok\n/",
    ],
)
def test_an_address_off_this_site_to_go_on_to_lands_on_the_home_page(target):
    _, response = sign_in(next_url=target)
    assert response["Location"] == HOME


def test_a_path_on_this_site_is_where_the_reader_goes_next():
    _, response = sign_in(next_url="/2026/11/01/hello/?replytocom=3#respond")
    assert response["Location"] == "/2026/11/01/hello/?replytocom=3#respond"


def test_the_privacy_page_says_what_is_kept_about_signed_in_readers():
    from sampan.privacy.services import privacy_text

    text = privacy_text()
    assert "## Signed-in readers" in text
    assert "no token from your server" in text
    assert "`sessionid`: from the moment you start signing in" in text
