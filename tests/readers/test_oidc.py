"""Signing in with an OpenID Connect provider the owner added, against a provider in a thread
(`oidc_provider/fake.py`): the test plays the reader's browser, Sampan's server talks to the provider itself.

Bad id_tokens (wrong `aud`, `iss`, `nonce`), an altered `state` or a wrong PKCE verifier sign nobody in; the
discovery of a provider on a private address is refused before connecting; every request the server made is on
the outbound ledger.
"""

import ipaddress
from urllib.parse import urlsplit

import httpx
import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib.auth import SESSION_KEY

from sampan.core import outbound_policy
from sampan.core.models import OutboundRequest
from sampan.readers.models import Reader
from sampan.readers.oidc import PURPOSE
from tests.factories import make_user
from tests.readers.oidc_provider.fake import CLIENT_ID, CLIENT_SECRET, running_fake

pytestmark = pytest.mark.django_db

POST = "/2026/11/20/a-post/"


@pytest.fixture
def fake(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    with running_fake() as provider:
        yield provider


def add_provider(server_url: str, provider_id: str = "fakeid") -> SocialApp:
    return SocialApp.objects.create(
        provider="openid_connect", provider_id=provider_id, name="Fake ID", client_id=CLIENT_ID,
        secret=CLIENT_SECRET, settings={"server_url": server_url},
    )  # fmt: skip


@pytest.fixture
def app(fake) -> SocialApp:
    return add_provider(fake.issuer)


def start(client, next_url: str = POST):
    """The reader presses the provider's button on the sign-in page."""
    return client.post("/accounts/oidc/fakeid/login/", {"next": next_url})


def approve(authorize_url: str) -> str:
    """The reader's browser at the provider, which sends it back to Sampan at once."""
    answer = httpx.get(authorize_url, follow_redirects=False, trust_env=False)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    return f"{back.path}?{back.query}"


def sign_in(client, next_url: str = POST):
    return client.get(approve(start(client, next_url)["Location"]))


def refusal(response) -> str:
    """The blog's "You are not signed in" page: its message."""
    assert response.status_code == 403 and not response.has_header("Location")
    text = response.content.decode()
    assert "You are not signed in" in text
    return text


UNTRUSTED = "Fake ID&#x27;s answer did not check out, so nobody was signed in."
NOT_THIS_BROWSER = (
    "This sign-in with Fake ID was not started in this browser, was used already, or took too long."
)


def nobody_signed_in(client) -> bool:
    return SESSION_KEY not in client.session and not SocialAccount.objects.exists()


def test_the_sign_in_page_shows_one_button_per_provider_the_owner_added(client, app):
    add_provider(app.settings["server_url"], provider_id="second")
    page = client.get("/accounts/login/").text
    assert page.count("/accounts/oidc/fakeid/login/") == 1
    assert page.count("/accounts/oidc/second/login/") == 1


def test_with_no_provider_added_there_is_no_openid_connect_sign_in(client):
    assert "/accounts/oidc/" not in client.get("/accounts/login/").text


def test_the_authorization_request_asks_for_pkce_a_nonce_and_only_the_documented_scopes(client, app):
    asked = dict(httpx.URL(start(client)["Location"]).params)
    assert asked["code_challenge_method"] == "S256" and asked["code_challenge"]
    assert asked["nonce"] and asked["state"]
    assert set(asked["scope"].split()) == {"openid", "profile", "email"}


def test_a_reader_signs_in_and_comes_back_to_the_post(client, app):
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == POST
    reader = Reader.objects.get()
    assert client.session[SESSION_KEY] == str(reader.user.pk)
    assert reader.display_name == "Grace Reader"
    account = SocialAccount.objects.get(user=reader.user)
    assert account.provider == "openid_connect"
    assert account.uid == f"{app.settings['server_url']}|grace"
    # What the settings page promises: issuer, subject, name, profile URL; no tokens, no other claims.
    assert account.extra_data == {
        "issuer": app.settings["server_url"],
        "display_name": "Grace Reader",
        "profile_url": f"{app.settings['server_url']}/grace",
    }
    assert not SocialToken.objects.exists()


def test_the_providers_picture_becomes_the_readers_local_avatar(
    client, app, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client)
    reader = Reader.objects.get()
    assert reader.avatar
    fetched = OutboundRequest.objects.exclude(purpose=PURPOSE).get()
    assert fetched.url == f"{app.settings['server_url']}/grace.png" and fetched.outcome == "answered"


def test_signing_in_twice_is_one_reader(client, app):
    sign_in(client)
    client.logout()
    sign_in(client)
    assert Reader.objects.count() == 1 and SocialAccount.objects.count() == 1
    assert SESSION_KEY in client.session


def test_a_writers_account_never_gets_a_session_through_a_provider(client, app):
    writer = make_user("ada", role="Administrator")
    SocialAccount.objects.create(
        user=writer, provider="openid_connect", uid=f"{app.settings['server_url']}|grace"
    )
    sign_in(client)
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "claims",
    [{"aud": "another-client"}, {"iss": "http://127.0.0.9:9/"}, {"nonce": "a nonce from another sign-in"}],
    ids=["aud", "iss", "nonce"],
)
def test_an_id_token_made_for_something_else_signs_nobody_in(client, fake, app, claims):
    fake.claims.update(claims)
    assert UNTRUSTED in refusal(sign_in(client))
    assert nobody_signed_in(client)


def test_an_altered_state_signs_nobody_in(client, app):
    callback = approve(start(client)["Location"])
    assert NOT_THIS_BROWSER in refusal(client.get(callback.replace("state=", "state=x")))
    assert nobody_signed_in(client)


def test_a_callback_without_state_or_replayed_signs_nobody_in(client, app):
    callback = approve(start(client)["Location"])
    without = "&".join(part for part in callback.split("?")[1].split("&") if not part.startswith("state="))
    assert NOT_THIS_BROWSER in refusal(client.get(f"{callback.split('?')[0]}?{without}"))
    assert nobody_signed_in(client)
    assert client.get(callback).status_code == 302  # the real one still works, once
    client.logout()
    assert NOT_THIS_BROWSER in refusal(client.get(callback))
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "next_url", ["https://evil.test/", "//evil.test", "/\\evil.test", "javascript:alert(1)"]
)
def test_a_next_address_elsewhere_never_leads_off_the_site(client, app, next_url):
    response = sign_in(client, next_url=next_url)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_callback_in_another_browser_signs_nobody_in(client, app, django_user_model):
    from django.test import Client

    callback = approve(start(client)["Location"])
    other = Client()
    assert NOT_THIS_BROWSER in refusal(other.get(callback))
    assert SESSION_KEY not in other.session and not SocialAccount.objects.exists()


def test_a_wrong_pkce_verifier_signs_nobody_in(client, fake, app):
    authorize = start(client)["Location"]
    session = client.session
    for stashed in session["socialaccount_states"].values():
        stashed[0]["pkce_code_verifier"] = "a-verifier-that-never-made-the-challenge-" + "x" * 10
    session.save()
    assert UNTRUSTED in refusal(client.get(approve(authorize)))
    assert nobody_signed_in(client)
    assert any(seen.path == "/token" for seen in fake.seen)  # the provider itself refused the code


def test_a_provider_on_a_private_address_is_refused_before_connecting(client, monkeypatch):
    resolved = []

    def private(host, port):
        resolved.append(host)
        return [ipaddress.ip_address("10.1.2.3")]

    monkeypatch.setattr(outbound_policy, "resolve_addresses", private)
    add_provider("http://id.example.test")
    assert (
        "Fake ID could not be asked who you are: id.example.test resolves to a private-network address"
        in (refusal(start(client)))
    )
    assert resolved == ["id.example.test"]
    refused = OutboundRequest.objects.get(purpose=PURPOSE)
    assert refused.outcome == "refused" and "private" in refused.error
    assert refused.url == "http://id.example.test/.well-known/openid-configuration"


def test_a_provider_on_this_machine_is_not_asked_at_all_outside_tests(client, fake, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    add_provider(fake.issuer)
    start(client)
    assert fake.seen == []
    assert OutboundRequest.objects.get(purpose=PURPOSE).outcome == "refused"


def test_a_provider_that_does_not_answer_discovery_gets_the_error_page_not_a_crash(client, fake):
    add_provider(f"{fake.issuer}/nothing-here")
    assert "Fake ID could not be asked who you are: 404" in refusal(start(client))
    assert OutboundRequest.objects.get(purpose=PURPOSE).status == 404


def test_every_request_the_server_made_to_the_provider_is_on_the_outbound_ledger(client, fake, app):
    sign_in(client)
    by_server = sorted((s.method, s.path) for s in fake.seen if s.agent.startswith("Sampan/"))
    ledger = sorted((r.method, urlsplit(r.url).path) for r in OutboundRequest.objects.all())
    assert by_server == ledger
    assert {path for _, path in ledger} >= {"/.well-known/openid-configuration", "/token", "/userinfo"}
    assert all(not s.agent.startswith("python-requests") for s in fake.seen)


def test_the_providers_settings_page_says_what_data_it_receives(client, app):
    client.force_login(make_user("owner", role="Administrator"))
    for page in (f"/admin/socialaccount/socialapp/{app.pk}/change/", "/admin/socialaccount/socialapp/add/"):
        text = client.get(page).text
        assert "What an OpenID Connect provider sends this blog" in text
        assert "<code>openid</code>, <code>profile</code> and <code>email</code>" in text
        assert "It keeps no tokens" in text
