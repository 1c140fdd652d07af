"""The owner's controls: blocks (an identity, an instance, a domain), the reader list, trusted ways in."""

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from sampan.comments import services as comment_services
from sampan.readers import services
from sampan.readers.blocking import host_of, refusal_for
from sampan.readers.models import Block, Reader
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db


def fediverse_reader(name="Bo", subject="https://toot.example/@bo"):
    return services.reader_for_identity(
        method="fediverse",
        issuer="https://toot.example",
        subject=subject,
        display_name=name,
        profile_url=subject,
    )


@pytest.fixture
def owner_client(client):
    client.force_login(make_user("owner", role="Administrator"))
    return client


@pytest.mark.parametrize(
    ("value", "host"),
    [
        ("https://Social.Example/@ann", "social.example"),
        ("@ann@social.example", "social.example"),
        ("ann@mail.example.", "mail.example"),
        ("social.example:443/path", "social.example"),
    ],
)
def test_the_host_of_every_kind_of_identity(value, host):
    assert host_of(value) == host


def test_a_domain_block_covers_subdomains_but_not_a_longer_name():
    Block.objects.create(kind=Block.Kind.DOMAIN, value="example.org")
    assert refusal_for(issuer="", subject="ann@mail.example.org")
    assert refusal_for(issuer="https://example.org/", subject="https://ann.blog/")
    assert not refusal_for(issuer="", subject="ann@notexample.org")


def test_an_instance_block_covers_only_that_host():
    Block.objects.create(kind=Block.Kind.INSTANCE, value="https://toot.example/")
    assert refusal_for(issuer="https://toot.example", subject="https://toot.example/@bo")
    assert not refusal_for(issuer="https://sub.toot.example", subject="https://sub.toot.example/@bo")


def test_an_email_address_can_be_blocked_on_its_own():
    Block.objects.create(kind=Block.Kind.IDENTITY, value="Spam@Example.org")
    assert refusal_for(issuer="", subject="spam@example.org")
    assert not refusal_for(issuer="", subject="ham@example.org")


def test_the_owner_sees_readers_with_their_way_in_and_comment_count_and_no_addresses(owner_client):
    user = fediverse_reader()
    comment_services.submit_comment(post=make_post(), body="Hi.", author_name="Bo", user=user)
    page = owner_client.get("/admin/readers/reader/").content.decode()
    assert "Bo" in page and "Fediverse account" in page and "https://toot.example" in page
    assert 'class="field-comment_count">1<' in page
    assert "127.0.0.1" not in page
    detail = owner_client.get(f"/admin/readers/reader/{user.reader.pk}/change/").content.decode()
    assert "https://toot.example/@bo" in detail


def test_blocking_a_reader_from_the_list_keeps_that_identity_out(owner_client):
    user = fediverse_reader()
    owner_client.post(
        "/admin/readers/reader/",
        {"action": "block_identities", "_selected_action": [user.reader.pk]},
    )
    assert Block.objects.filter(kind="identity", value="https://toot.example/@bo").exists()
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    response = services.sign_in_identity(
        request,
        method="fediverse",
        issuer="https://toot.example",
        subject="https://toot.example/@bo",
        display_name="Bo",
        profile_url="https://toot.example/@bo",
    )
    assert response.status_code == 403


def test_an_openid_connect_reader_blocked_from_the_list_is_refused_at_that_issuer_only(owner_client):
    user = services.reader_for_identity(
        method="openid_connect", issuer="https://id.example", subject="42", display_name="Cy", profile_url=""
    )
    owner_client.post(
        "/admin/readers/reader/", {"action": "block_identities", "_selected_action": [user.reader.pk]}
    )
    with pytest.raises(services.SignInRefused):
        services.reader_for_identity(
            method="openid_connect",
            issuer="https://id.example",
            subject="42",
            display_name="Cy",
            profile_url="",
        )
    services.reader_for_identity(
        method="openid_connect",
        issuer="https://other-id.example",
        subject="42",
        display_name="Di",
        profile_url="",
    )
    assert SocialAccount.objects.count() == 2


def test_the_owner_adds_an_instance_block_in_the_admin(owner_client):
    response = owner_client.post(
        "/admin/readers/block/add/", {"kind": "instance", "value": "spam.example", "note": "spam wave"}
    )
    assert response.status_code == 302
    with pytest.raises(services.SignInRefused):
        fediverse_reader(subject="https://spam.example/@x")


def test_trusted_ways_in_are_one_settings_page_none_trusted_by_default(owner_client):
    listing = owner_client.get("/admin/readers/signinsettings/")
    assert listing.status_code == 302
    page = owner_client.get(listing["Location"]).content.decode()
    for method in ("email", "indieauth", "fediverse", "openid_connect"):
        checkbox = re.search(rf'<input[^>]*name="trust_{method}"[^>]*>', page).group(0)
        assert "checked" not in checkbox


def test_readers_are_not_added_by_hand(owner_client):
    assert owner_client.get("/admin/readers/reader/add/").status_code == 403
    assert not Reader.objects.exists()
