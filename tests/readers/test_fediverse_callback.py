"""Coming back from the instance: only the sign-in this browser started goes on; the token is revoked right after
the profile is read (whatever follows); the account must live on the instance; the reader is signed in as
`<account id>@<instance>` with their name bounded and cleaned."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from sampan.readers.fediverse.models import FediverseApp
from sampan.readers.models import Block, Reader

from .mastodon_fake import (  # noqa: F401
    FakeMastodon,
    instance_fixture,
    mastodon_ca_fixture,
    mastodon_instance,
    reaching_fakes_fixture,
)

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def approved(client: Client, instance: FakeMastodon, next_url: str = "/") -> str:
    """Start signing in, approve at the instance; the callback address the reader's browser is sent to."""
    response = client.post(
        "/accounts/fediverse/", {"account": f"@you@{instance.host}", "next": next_url}, headers=SAME_ORIGIN
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return instance.approve(response["Location"])


def come_back(client: Client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_reader_signs_in_as_their_account_at_the_instance_and_goes_back_to_the_post(client, instance):
    response = come_back(client, approved(client, instance, next_url="/2026/11/26/slow-boats/"))
    assert response.status_code == 302
    assert response["Location"] == "/2026/11/26/slow-boats/"
    assert signed_in(client)
    account = SocialAccount.objects.get()
    assert (account.provider, account.uid) == ("fediverse", f"109876@{instance.host}")
    assert account.extra_data == {
        "issuer": instance.host,
        "display_name": "You Reader",
        "profile_url": f"{instance.url}/@you",
    }
    assert Reader.objects.get(user=account.user).display_name == "You Reader"


def test_the_token_is_revoked_right_after_the_profile_is_read(client, instance):
    come_back(client, approved(client, instance))
    paths = [call.path for call in instance.calls]
    token = paths.index("/oauth/token")
    assert paths[token : token + 3] == [
        "/oauth/token",
        "/api/v1/accounts/verify_credentials",
        "/oauth/revoke",
    ]
    assert instance.tokens and not any(instance.tokens.values())


def test_two_sign_ins_from_two_browsers_share_one_registration_and_one_reader(client, instance):
    come_back(client, approved(client, instance))
    other = Client()
    come_back(other, approved(other, instance))
    assert signed_in(client) and signed_in(other)
    assert len(instance.called("/api/v1/apps")) == 1
    assert SocialAccount.objects.count() == 1


def test_an_older_server_signs_the_reader_in_with_read_accounts(client, reaching_fakes, mastodon_ca):
    with mastodon_instance(mastodon_ca, "127.0.0.3", version="4.2") as old:
        come_back(client, approved(client, old))
        assert old.called("/oauth/token")[0].form["scope"] == "read:accounts"
    assert signed_in(client)


def test_an_account_whose_profile_is_on_another_host_is_refused_and_its_token_still_revoked(
    client, reaching_fakes, mastodon_ca
):
    elsewhere = {"url": "https://mastodon.social/@you"}
    with mastodon_instance(mastodon_ca, "127.0.0.3", account=elsewhere) as lying:
        response = come_back(client, approved(client, lying))
        assert not any(lying.tokens.values())
    assert response.status_code == 502
    assert f"the account&#x27;s profile address is not on {lying.host}" in response.content.decode()
    assert not signed_in(client)
    assert SocialAccount.objects.count() == 0


def with_state(callback_url: str, state: str | None) -> str:
    parts = urlsplit(callback_url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if state is None:
        del query["state"]
    else:
        query["state"] = state
    return f"{parts.path}?{urlencode(query)}"


@pytest.mark.parametrize("state", [None, "", "altered-state", "état-☃", "x" * 2000])
def test_a_missing_or_altered_state_signs_nobody_in(client, instance, state):
    response = come_back(client, with_state(approved(client, instance), state))
    assert response.status_code == 400
    assert "was not started in this browser" in response.content.decode()
    assert not signed_in(client)
    assert instance.called("/oauth/token") == []


def test_a_replayed_callback_signs_nobody_in_the_second_time(client, instance):
    callback = approved(client, instance)
    come_back(client, callback)
    client.logout()
    response = come_back(client, callback)
    assert response.status_code == 400
    assert not signed_in(client)
    assert len(instance.called("/oauth/token")) == 1


def test_a_callback_opened_in_another_browser_signs_nobody_in(client, instance):
    callback = approved(client, instance)
    stranger = Client()
    response = come_back(stranger, callback)
    assert response.status_code == 400
    assert not signed_in(stranger)
    assert instance.called("/oauth/token") == []


def test_a_reader_who_declines_at_their_instance_is_told_so(client, instance):
    callback = approved(client, instance)
    parts = urlsplit(callback)
    state = parse_qs(parts.query)["state"][0]
    response = client.get(parts.path, {"state": state, "error": "access_denied"})
    assert response.status_code == 400
    assert "did not approve the sign-in" in response.content.decode()
    assert not signed_in(client)


@pytest.mark.parametrize(
    "next_url", ["https://evil.test/", "//evil.test", "/\\evil.test", "javascript:alert(1)"]
)
def test_a_next_address_off_this_site_lands_on_the_home_page(client, instance, next_url):
    response = come_back(client, approved(client, instance, next_url=next_url))
    assert response["Location"] == "/"


def test_a_display_name_with_markup_bidi_overrides_and_10_kb_is_trimmed_and_shown_escaped(
    client, reaching_fakes, mastodon_ca
):
    name = "<script>alert(1)</script>\u202eevil\u202c " + "x" * 10_000
    with mastodon_instance(mastodon_ca, "127.0.0.3", account={"display_name": name}) as fake:
        come_back(client, approved(client, fake))
    shown = Reader.objects.get().display_name
    assert len(shown) <= 80
    assert "\u202e" not in shown and "\u202c" not in shown
    assert shown.startswith("<script>alert(1)</script>evil xxx")
    page = client.get("/accounts/you/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;evil xxx" in page
    assert "<script>alert(1)" not in page


def test_a_server_refusing_the_profile_scope_it_listed_is_asked_again_for_read_accounts(
    client, reaching_fakes, mastodon_ca
):
    with mastodon_instance(mastodon_ca, "127.0.0.3", refuses_profile=True) as fake:
        refused = come_back(client, approved(client, fake))
        assert refused.status_code == 302 and refused["Location"].startswith(f"{fake.url}/oauth/authorize?")
        assert parse_qs(urlsplit(refused["Location"]).query)["scope"] == ["read:accounts"]
        come_back(client, fake.approve(refused["Location"]))
    assert [call.form["scopes"] for call in fake.called("/api/v1/apps")] == ["profile", "read:accounts"]
    assert FediverseApp.objects.get().scopes == "read:accounts"
    assert signed_in(client)


@pytest.mark.parametrize(
    ("kind", "value"), [("identity", "@you@{host}"), ("instance", "{host}"), ("domain", "127.0.0.2")]
)
def test_a_blocked_account_or_instance_is_not_signed_in(client, instance, kind, value):
    Block.objects.create(kind=kind, value=value.format(host=instance.host))
    response = come_back(client, approved(client, instance)) if kind == "identity" else None
    if response is None:  # a blocked instance is not even asked
        response = client.post(
            "/accounts/fediverse/", {"account": f"@you@{instance.host}"}, headers=SAME_ORIGIN
        )
        assert instance.calls == []
    assert response.status_code == 403
    assert "This blog does not take sign-ins or comments from" in response.content.decode()
    assert not signed_in(client)


def test_a_used_code_is_refused_by_the_instance_and_signs_nobody_in(client, instance):
    first = urlsplit(approved(client, instance))
    come_back(client, first.geturl())
    client.logout()
    fresh = urlsplit(approved(client, instance))  # a new sign-in, its state with the old code
    old_code = parse_qs(first.query)["code"][0]
    response = client.get(fresh.path, {"state": parse_qs(fresh.query)["state"][0], "code": old_code})
    assert response.status_code == 502
    assert "it refused the request (HTTP 400)" in response.content.decode()
    assert not signed_in(client)


def test_a_wrong_pkce_verifier_is_refused_by_the_instance_and_signs_nobody_in(client, instance):
    callback = approved(client, instance)
    session = client.session
    session["fediverse_sign_in"] = {**session["fediverse_sign_in"], "verifier": "not-the-one-challenged"}
    session.save()
    response = come_back(client, callback)
    assert response.status_code == 502
    assert not signed_in(client)
    assert instance.called("/api/v1/accounts/verify_credentials") == []
