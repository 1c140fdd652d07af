"""Starting a Fediverse sign-in against a fake Mastodon on loopback: the instance is registered with once, after
it answered like a Mastodon API; the scope suits its version; bad servers and bad input give a clear error and
leave no registration behind; many unknown instances from one client are rate-limited."""

import ipaddress
from urllib.parse import parse_qs, urlsplit

import pytest

from sampan.core import outbound_policy
from sampan.core.models import OutboundRequest
from sampan.readers.fediverse import client as mastodon_client
from sampan.readers.fediverse.models import FediverseApp

from .mastodon_fake import instance_fixture, mastodon_ca_fixture, mastodon_instance, reaching_fakes_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

START = "/accounts/fediverse/"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def start(client, account: str, next_url: str = "/"):
    return client.post(START, {"account": account, "next": next_url}, headers=SAME_ORIGIN)


def authorize_query(response) -> dict[str, str]:
    assert response.status_code == 302, response.content.decode()[:2000]
    return {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}


def test_the_reader_is_sent_to_their_instance_with_the_profile_scope_state_and_pkce(client, instance):
    response = start(client, f"@you@{instance.host}")
    assert response["Location"].startswith(f"{instance.url}/oauth/authorize?")
    query = authorize_query(response)
    app = FediverseApp.objects.get()
    assert (app.instance, app.scopes) == (instance.host, "profile")
    assert query["client_id"] == app.client_id
    assert query["scope"] == "profile"
    assert query["redirect_uri"] == "http://testserver/accounts/fediverse/callback/"
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256"
    assert query["state"] == client.session["fediverse_sign_in"]["state"]
    registered = instance.called("/api/v1/apps")[0].form
    assert registered["scopes"] == "profile"
    assert registered["redirect_uris"] == query["redirect_uri"]


def test_the_registration_is_made_once_and_reused_by_later_sign_ins(client, instance, django_user_model):
    first = authorize_query(start(client, f"@you@{instance.host}"))
    again = authorize_query(start(client, f"https://{instance.host}/@someone"))
    assert len(instance.called("/api/v1/apps")) == 1
    assert FediverseApp.objects.count() == 1
    assert first["client_id"] == again["client_id"]
    assert first["state"] != again["state"] and first["code_challenge"] != again["code_challenge"]


def test_an_older_server_without_the_profile_scope_is_asked_for_read_accounts(
    client, reaching_fakes, mastodon_ca
):
    with mastodon_instance(mastodon_ca, "127.0.0.3", version="4.2") as old:
        query = authorize_query(start(client, f"you@{old.host}"))
    assert query["scope"] == "read:accounts"
    assert FediverseApp.objects.get().scopes == "read:accounts"
    assert old.called("/api/v1/apps")[0].form["scopes"] == "read:accounts"


def test_junk_is_refused_showing_what_was_typed_escaped(client):
    response = start(client, "@you@<b>not a server</b>")
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not a server name" in page
    assert 'value="@you@&lt;b&gt;not a server&lt;/b&gt;"' in page
    assert "<b>not" not in page
    assert "_auth_user_id" not in client.session


def test_a_form_posted_from_another_site_is_refused(client, instance):
    response = client.post(
        START, {"account": f"@you@{instance.host}"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert instance.calls == []


def test_a_server_that_refuses_registration_keeps_no_registration(client, reaching_fakes, mastodon_ca):
    with mastodon_instance(mastodon_ca, "127.0.0.3", misbehave="/api/v1/apps:refuse") as refusing:
        response = start(client, f"@you@{refusing.host}")
    assert response.status_code == 502
    assert f"Sampan could not sign you in with {refusing.host}" in response.content.decode()
    assert FediverseApp.objects.count() == 0
    assert "fediverse_sign_in" not in client.session


def test_a_server_that_is_no_mastodon_is_not_registered_with(client, reaching_fakes, mastodon_ca):
    with mastodon_instance(
        mastodon_ca, "127.0.0.3", misbehave="/api/v1/instance:refuse", version="4.2"
    ) as other:
        response = start(client, f"@you@{other.host}")
    assert "does not answer like a Mastodon-compatible server" in response.content.decode()
    assert other.called("/api/v1/apps") == []
    assert FediverseApp.objects.count() == 0


def test_an_instance_name_resolving_to_a_private_address_is_refused_before_connecting(client, monkeypatch):
    monkeypatch.setattr(
        outbound_policy, "resolve_addresses", lambda host, port: [ipaddress.ip_address("10.0.0.1")]
    )
    response = start(client, "@you@intranet.example")
    assert response.status_code == 502
    assert "intranet.example resolves to a private-network address" in response.content.decode()
    asked = OutboundRequest.objects.get()
    assert (asked.host, asked.outcome) == ("intranet.example", "refused")
    assert FediverseApp.objects.count() == 0


@pytest.mark.parametrize(
    ("misbehave", "says", "outcome"),
    [
        (
            "/.well-known/oauth-authorization-server:private",
            "10.0.0.1 is a private-network address",
            "refused",
        ),
        ("/.well-known/oauth-authorization-server:redirects", "more than 5 redirects", "failed"),
        ("/.well-known/oauth-authorization-server:huge", "more than the 524288 allowed", "too-large"),
        ("/.well-known/oauth-authorization-server:slow", "took longer than the time allowed", "timed-out"),
    ],
)
def test_a_bad_answer_from_the_instance_is_a_clean_error_and_nothing_is_kept(
    client, reaching_fakes, mastodon_ca, monkeypatch, misbehave, says, outcome
):
    monkeypatch.setattr(mastodon_client, "TIMEOUT", 1.0)  # the slow server drips until the fetch gives up
    with mastodon_instance(mastodon_ca, "127.0.0.3", misbehave=misbehave) as bad:
        response = start(client, f"@you@{bad.host}")
    assert response.status_code == 502
    page = response.content.decode()
    assert f"Sampan could not sign you in with {bad.host}" in page and says in page
    assert OutboundRequest.objects.get().outcome == outcome
    assert FediverseApp.objects.count() == 0
    assert bad.called("/api/v1/apps") == []


def test_fifty_unknown_instances_from_one_client_are_rate_limited_and_none_registered(client, instance):
    answers = [start(client, f"@you@unknown-{n}.example") for n in range(50)]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:10] == [502] * 10  # offline, the names do not resolve: Sampan tried and said so
    assert set(statuses[10:]) == {429}
    assert "Too many sign-ins with new servers from here" in answers[-1].content.decode()
    assert OutboundRequest.objects.count() == 10
    assert FediverseApp.objects.count() == 0
    # A known instance is not held up by the limit; a new one is.
    FediverseApp.objects.create(instance=instance.host, client_id="c", client_secret="s", scopes="profile",
                                redirect_uri="http://testserver/accounts/fediverse/callback/")  # fmt: skip
    assert start(client, f"@you@{instance.host}").status_code == 302
    assert start(client, "@you@mastodon.example").status_code == 429


def test_a_registration_for_the_blogs_old_address_is_replaced_by_one_for_its_new_address(client, instance):
    FediverseApp.objects.create(
        instance=instance.host, client_id="old", client_secret="old", scopes="profile",
        redirect_uri="https://old-blog.example/accounts/fediverse/callback/",
    )  # fmt: skip
    query = authorize_query(start(client, f"@you@{instance.host}"))
    app = FediverseApp.objects.get()
    assert app.redirect_uri == query["redirect_uri"] == "http://testserver/accounts/fediverse/callback/"
    assert app.client_id == query["client_id"] != "old"
    assert len(instance.called("/api/v1/apps")) == 1
