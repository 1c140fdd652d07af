"""Signing in with your website (IndieAuth) against a fake website and sign-in server on loopback: both ways a
site names its server, PKCE, `state` and `iss` checked, the returned profile URL confirmed, and bad answers refused
with nobody signed in."""

import io
import ipaddress
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse
from PIL import Image

from sampan.core import outbound_policy
from sampan.core.models import OutboundRequest
from sampan.core.outbound import ConnectionFailed
from sampan.readers.indieauth import discovery, flow

from .indieauth_fake import METADATA_PATH, IndieAuthFake, challenge_of

pytestmark = pytest.mark.django_db

ORIGIN = {"Origin": "http://testserver"}
NAMES = {
    "alice.test": "127.0.0.2",
    "bob.test": "127.0.0.2",
    "carol.test": "127.0.0.2",
    "intranet.test": "10.0.0.1",
}


@pytest.fixture
def fake(settings, monkeypatch):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    settings.SITE_URL = "http://testserver"

    def resolve(host: str, port: int):
        if host not in NAMES:
            raise ConnectionFailed(f"could not find the host {host}")
        return [ipaddress.ip_address(NAMES[host])]

    monkeypatch.setattr(outbound_policy, "resolve_addresses", resolve)
    site = IndieAuthFake()
    yield site
    site.close()


def start(client: Client, me: str, next_url: str = "/"):
    return client.post(reverse("indieauth:start"), {"me": me, "next": next_url}, headers=ORIGIN)


def sign_in(client: Client, fake: IndieAuthFake, me: str, next_url: str = "/", change=None):
    started = start(client, me, next_url)
    assert started.status_code == 302, started.content.decode()
    return client.get(fake.approve(started["Location"], change=change))


def signed_in_as(client: Client) -> str:
    """The profile URL of the reader this browser is signed in as, or "" for nobody."""
    user = get_user(client)
    if not user.is_authenticated:
        return ""
    return SocialAccount.objects.get(user=user, provider="indieauth").uid


def refusal(response) -> str:
    assert response.status_code == 400
    return response.content.decode()


def test_a_site_linking_its_metadata_sends_the_reader_to_their_server_with_pkce_and_state(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    started = start(client, me)
    assert started.status_code == 302
    to = urlsplit(started["Location"])
    assert f"{to.scheme}://{to.netloc}{to.path}" == fake.auth_url + "/auth"
    asked = {k: v[0] for k, v in parse_qs(to.query).items()}
    assert asked["response_type"] == "code"
    assert asked["client_id"] == "http://testserver/"
    assert asked["redirect_uri"] == "http://testserver/accounts/indieauth/callback/"
    assert asked["me"] == me
    assert asked["scope"] == "profile"
    assert asked["code_challenge_method"] == "S256"
    assert len(asked["state"]) >= 32 and len(asked["code_challenge"]) == 43
    # The reader's session starts only now, when they chose to sign in.
    assert "sessionid" in started.cookies


def test_the_reader_approves_and_is_signed_in_as_their_website_and_sent_back_to_the_post(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    fake.profile = {"name": "Alice Example", "url": me, "photo": ""}
    back = sign_in(client, fake, me, next_url="/2026/11/26/slow-boats/")
    assert back.status_code == 302 and back["Location"] == "/2026/11/26/slow-boats/"
    assert signed_in_as(client) == me
    account = SocialAccount.objects.get(provider="indieauth")
    assert account.extra_data == {"issuer": fake.issuer, "display_name": "Alice Example", "profile_url": me}
    assert account.user.reader.display_name == "Alice Example"
    # The verifier sent with the code is the one whose hash went to the server first.
    redeemed = fake.redemptions[0]
    assert challenge_of(redeemed["code_verifier"]) == fake.approvals[0]["code_challenge"]
    assert redeemed["client_id"] == "http://testserver/"


def test_what_was_fetched_is_on_the_ledger_with_its_purpose(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    sign_in(client, fake, me)
    asked = list(OutboundRequest.objects.order_by("pk").values_list("purpose", "method", "url"))
    assert asked == [
        ("IndieAuth discovery", "GET", me),
        ("IndieAuth discovery", "GET", fake.auth_url + METADATA_PATH),
        ("IndieAuth sign-in", "POST", fake.auth_url + "/auth"),
    ]


def test_a_site_naming_its_metadata_in_a_link_header_works_the_same(client, fake):
    me = fake.home_page_with_metadata_header("alice.test")
    sign_in(client, fake, me)
    assert signed_in_as(client) == me


def test_a_site_naming_only_an_authorization_endpoint_the_older_way_works_too(client, fake):
    me = fake.home_page_with_legacy_link("alice.test")
    back = sign_in(client, fake, me)
    assert back.status_code == 302
    assert signed_in_as(client) == me
    assert SocialAccount.objects.get().extra_data["issuer"] == fake.auth_url + "/auth"


def test_signing_in_again_is_the_same_reader(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    sign_in(client, fake, me)
    sign_in(Client(), fake, me)
    assert SocialAccount.objects.filter(provider="indieauth").count() == 1


def test_a_site_naming_no_server_is_told_so_on_the_form_with_what_was_typed(client, fake):
    me = fake.page("alice.test", body=b"<!doctype html><p>Just a page")
    shown = refusal(start(client, me))
    assert "names no IndieAuth server" in shown
    assert f'value="{me}"' in shown


@pytest.mark.parametrize("issuer", ["http://127.0.0.9/", "http://127.0.0.3/", None, ["x"]])
def test_metadata_naming_an_issuer_other_than_its_own_address_is_refused(client, fake, issuer):
    me = fake.home_page_with_metadata_link("alice.test")
    fake.metadata_changes = {"issuer": issuer}
    shown = refusal(start(client, me))
    assert "names an issuer that is not its own address" in shown or "names no issuer" in shown
    assert fake.approvals == []


def test_metadata_that_is_not_json_is_refused(client, fake):
    link = f'<link rel="indieauth-metadata" href="{fake.profile_url("alice.test", "/not-json")}">'
    me = fake.page("alice.test", body=link.encode())
    fake.page("alice.test", "/not-json", body=b"<p>hello")
    assert "metadata is not a JSON object" in refusal(start(client, me))


def test_a_wrong_pkce_verifier_is_refused_by_the_server_and_nobody_is_signed_in(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    started = start(client, me)
    session = client.session
    for pending in session[flow.SESSION_KEY].values():
        pending["verifier"] = "x" * 86
    session.save()
    shown = refusal(client.get(fake.approve(started["Location"])))
    assert "did not confirm the sign-in (invalid_grant)" in shown
    assert signed_in_as(client) == ""


def test_an_iss_from_another_server_is_refused(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    fake.answer_iss = "http://127.0.0.9/"
    shown = refusal(sign_in(client, fake, me))
    assert "did not come from the sign-in server your website names" in shown
    assert signed_in_as(client) == "" and fake.redemptions == []


def test_an_answer_without_iss_from_a_server_with_metadata_is_refused(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    started = start(client, me)
    back = fake.approve(started["Location"])
    without_iss = back.split("&iss=")[0]
    assert "did not come from the sign-in server" in refusal(client.get(without_iss))
    assert signed_in_as(client) == ""


@pytest.mark.parametrize("state", ["", "not-the-state", "é\u202e", "x" * 300])
def test_a_missing_or_altered_state_is_refused(client, fake, state):
    me = fake.home_page_with_metadata_link("alice.test")
    started = start(client, me)
    back = fake.approve(started["Location"], change=lambda query: query.update(state=state))
    assert "not started in this browser" in refusal(client.get(back))
    assert signed_in_as(client) == "" and fake.redemptions == []


def test_a_replayed_callback_is_refused(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    started = start(client, me)
    back = fake.approve(started["Location"])
    client.get(back)
    assert signed_in_as(client) == me
    client.logout()
    assert "already been used" in refusal(client.get(back))
    assert signed_in_as(client) == ""
    assert len(fake.redemptions) == 1


def test_a_callback_in_another_browser_is_refused(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    started = start(client, me)
    other = Client()
    assert "not started in this browser" in refusal(other.get(fake.approve(started["Location"])))
    assert signed_in_as(other) == "" and signed_in_as(client) == ""


def test_a_code_used_once_is_refused_the_second_time(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    first = fake.approve(start(client, me)["Location"])
    client.get(first)
    used_code = parse_qs(urlsplit(first).query)["code"][0]
    other = Client()
    second = fake.approve(start(other, me)["Location"])
    reused = second.replace(parse_qs(urlsplit(second).query)["code"][0], used_code)
    assert "did not confirm the sign-in (invalid_grant)" in refusal(other.get(reused))
    assert signed_in_as(other) == ""


def test_the_readers_server_saying_no_signs_nobody_in(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    started = start(client, me)
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    back = client.get(reverse("indieauth:callback"), {"error": "access_denied", "state": state})
    assert "did not sign you in (access_denied)" in refusal(back)
    assert signed_in_as(client) == ""


def test_a_returned_me_on_another_host_naming_the_same_server_is_accepted(client, fake):
    typed = fake.home_page_with_metadata_link("alice.test")
    carol = fake.home_page_with_metadata_header("carol.test")
    fake.answer_me = carol
    sign_in(client, fake, typed)
    assert signed_in_as(client) == carol
    assert "carol.test/" in fake.site_visits


def test_a_returned_me_on_another_host_not_naming_the_same_server_is_refused(client, fake):
    typed = fake.home_page_with_metadata_link("alice.test")
    fake.answer_me = fake.home_page_with_legacy_link("bob.test", endpoint="http://127.0.0.3:1/elsewhere")
    shown = refusal(sign_in(client, fake, typed))
    assert "does not name that server as its own" in shown
    assert signed_in_as(client) == ""


def test_a_returned_me_that_names_no_server_at_all_is_refused(client, fake):
    typed = fake.home_page_with_metadata_link("alice.test")
    fake.answer_me = fake.page("bob.test", body=b"<!doctype html><p>Bob")
    assert "which Sampan could not check" in refusal(sign_in(client, fake, typed))
    assert signed_in_as(client) == ""


@pytest.mark.parametrize(
    "returned",
    ["https://alice.test/#me", "https://127.0.0.2/", "https://x:y@alice.test/", "mailto:a@alice.test"],
)
def test_a_returned_me_that_cannot_name_a_person_is_refused(client, fake, returned):
    typed = fake.home_page_with_metadata_link("alice.test")
    fake.answer_me = returned
    assert "cannot name a person" in refusal(sign_in(client, fake, typed))
    assert signed_in_as(client) == ""


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("https://alice.test/#me", "no fragment"),
        ("https://alice:secret@alice.test/", "user name or password"),
        ("https://alice.test:8443/", "Leave out the port"),
        ("https://127.0.0.2/", "not an IP address"),
        ("https://[::1]/", "not an IP address"),
        ("ftp://alice.test/", "https:// or http://"),
    ],
)
def test_a_typed_website_that_cannot_name_a_person_is_refused_before_anything_is_fetched(
    client, fake, settings, typed, said
):
    settings.OUTBOUND_ALLOW_LOOPBACK = False  # as in production: a port is never part of a profile URL
    shown = refusal(start(client, typed))
    assert said in shown
    assert 'value="' + typed.replace("&", "&amp;") + '"' in shown
    assert fake.site_visits == [] and not OutboundRequest.objects.exists()


def test_a_website_resolving_to_a_private_address_is_refused_before_connecting(client, fake):
    shown = refusal(start(client, "http://intranet.test/"))
    assert "intranet.test resolves to a private-network address, which is never fetched" in shown
    assert OutboundRequest.objects.get().outcome == "refused"


def test_a_website_redirecting_to_a_private_address_is_refused(client, fake):
    me = fake.page("alice.test", status=302, headers={"Location": "http://intranet.test/"})
    assert "private-network address" in refusal(start(client, me))
    assert signed_in_as(client) == ""


def test_an_endless_page_is_cut_off_with_a_clear_error(client, fake):
    assert "Sampan could not read your website" in refusal(
        start(client, fake.profile_url("alice.test", "/endless"))
    )


def test_a_page_too_slow_to_finish_ends_in_a_clear_error(client, fake, monkeypatch):
    monkeypatch.setattr(discovery, "TIMEOUT", 0.5)
    shown = refusal(start(client, fake.profile_url("alice.test", "/drip")))
    assert "took longer than the time allowed" in shown


def test_eleven_redirects_end_in_a_clear_error(client, fake):
    assert "more than 5 redirects" in refusal(start(client, fake.profile_url("alice.test", "/hop/0")))


def test_a_post_from_another_site_is_refused(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    response = client.post(reverse("indieauth:start"), {"me": me}, headers={"Origin": "https://evil.test"})
    assert response.status_code == 403
    assert fake.site_visits == []


def test_starting_again_and_again_from_one_client_is_rate_limited(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    for _ in range(10):
        assert start(client, me).status_code == 302
    limited = start(client, me)
    assert limited.status_code == 429
    assert "Too many sign-in attempts" in limited.content.decode()
    assert len(fake.site_visits) == 10


@pytest.mark.parametrize(
    "next_url", ["https://evil.test/", "//evil.test", "/\\evil.test", "javascript:alert(1)"]
)
def test_next_pointing_elsewhere_lands_on_this_site(client, fake, next_url):
    me = fake.home_page_with_metadata_link("alice.test")
    back = sign_in(client, fake, me, next_url=next_url)
    assert back.status_code == 302 and back["Location"] == "/"


def test_a_display_name_with_markup_bidi_and_ten_kilobytes_is_escaped_and_trimmed(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    fake.profile = {"name": "<b>Al\u202eice</b> <script>x()</script>" + "y" * 10_000}
    sign_in(client, fake, me)
    name = SocialAccount.objects.get().user.reader.display_name
    assert name.startswith("<b>Alice</b>") and len(name) == 80 and "\u202e" not in name
    shown = client.get(reverse("reader_account:home")).content.decode()
    assert "<strong>&lt;b&gt;Alice&lt;/b&gt; &lt;script&gt;x()&lt;/script&gt;yyy" in shown
    assert "<b>Alice" not in shown and "<script>x()" not in shown and "y" * 81 not in shown


def test_the_form_shown_again_may_lead_to_the_readers_server_and_no_other_page_is_widened(client, fake):
    shown = start(client, "https://alice.test/#me")
    policy = shown["Content-Security-Policy"]
    assert "form-action 'self' https: http:" in policy  # http: only while tests reach loopback fakes
    back = client.get(reverse("indieauth:callback"), {"state": "x", "code": "y"})
    assert "form-action 'self';" in back["Content-Security-Policy"] + ";"


def test_the_profile_photo_becomes_a_local_avatar_and_a_missing_name_becomes_the_host(client, fake):
    picture = io.BytesIO()
    Image.new("RGB", (200, 200), "teal").save(picture, "PNG")
    photo = fake.page("alice.test", "/me.png", body=picture.getvalue(), headers={"Content-Type": "image/png"})
    me = fake.home_page_with_metadata_link("alice.test")
    fake.profile = {"photo": photo}
    sign_in(client, fake, me)
    reader = SocialAccount.objects.get().user.reader
    assert reader.display_name == "alice.test"
    assert reader.avatar and Image.open(reader.avatar.path).size == (96, 96)


def test_a_profile_photo_at_a_private_address_is_never_fetched_and_the_identicon_stays(client, fake):
    me = fake.home_page_with_metadata_link("alice.test")
    fake.profile = {"name": "Alice", "photo": "http://intranet.test/me.png"}
    sign_in(client, fake, me)
    assert signed_in_as(client) == me
    assert not SocialAccount.objects.get().user.reader.avatar
    assert OutboundRequest.objects.get(purpose="reader avatar").outcome == "refused"
