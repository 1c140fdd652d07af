"""A reader signs in with an OpenID Connect provider the owner added, in Chromium, against a real provider (npm's
`oidc-provider` in node on 127.0.0.4, tests/readers/oidc_provider/): back on the post, signed in, their comment
under their name; signing in again is the same reader; a wrong PKCE verifier signs nobody in. Every request
Sampan's server made to the provider is on the outbound ledger.

The privacy guard allows one other origin here, the provider's, and only after the reader chose to go there.
"""

import re
from collections.abc import Iterator
from importlib import import_module
from urllib.parse import quote, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.conf import settings
from playwright.sync_api import BrowserContext, Page, Request, expect

from sampan.comments.models import DiscussionSettings
from sampan.core.models import OutboundRequest
from sampan.readers.models import Reader
from sampan.readers.oidc import PURPOSE
from tests.factories import make_post, make_user
from tests.readers.oidc_provider.node import CLIENT_ID, CLIENT_SECRET, NodeProvider, running_node_provider
from tests.servers import wait_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.allow_foreign_requests,  # the provider's origin, checked by `_nothing_elsewhere` below
]

PROVIDER_ID, PROVIDER_NAME = "localid", "Local ID"


@pytest.fixture(scope="module")
def provider(live_server) -> Iterator[NodeProvider]:
    callback = f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/"
    with running_node_provider([callback]) as node:
        yield node


@pytest.fixture
def added(provider: NodeProvider, settings) -> SocialApp:
    settings.OUTBOUND_ALLOW_LOOPBACK = True  # the provider runs on this machine
    return SocialApp.objects.create(
        provider="openid_connect", provider_id=PROVIDER_ID, name=PROVIDER_NAME, client_id=CLIENT_ID,
        secret=CLIENT_SECRET, settings={"server_url": provider.issuer},
    )  # fmt: skip


@pytest.fixture
def post():
    discussion = DiscussionSettings.load()
    discussion.min_seconds = 0  # Playwright types faster than people
    discussion.save()
    return make_post("River crossings", author=make_user("mai"), body="The ferry runs twice a day.")


@pytest.fixture(autouse=True)
def _nothing_elsewhere(context: BrowserContext, live_server, provider: NodeProvider) -> Iterator[None]:
    """Fails the test on any request the browser made to an origin other than the blog's and the provider's, or
    from a page of the blog to the provider: the reader's browser asks the provider for nothing until they go
    there."""
    site, elsewhere = live_server.url, []

    def note(request: Request) -> None:
        url = request.url
        if url.startswith(site) or urlsplit(url).scheme in {"data", "blob", "about"}:
            return
        page = request.frame.url if request.frame else ""
        at_provider = url.startswith(provider.issuer) or page.startswith(provider.issuer)
        loaded_by_the_blog = request.resource_type != "document" and page.startswith(site)
        if not at_provider or loaded_by_the_blog:
            elsewhere.append(url)

    context.on("request", note)
    # The provider's development login page asks a font service for its font: never let it leave the machine.
    context.route(
        lambda url: not url.startswith((site, provider.issuer)), lambda route: route.abort("blockedbyclient")
    )
    yield
    assert elsewhere == [], f"the browser asked other origins: {elsewhere}"


def sign_in_through_provider(page: Page, site_url: str, post, login: str) -> None:
    page.goto(f"{site_url}/accounts/login/?next={quote(post.get_absolute_url())}")
    page.get_by_role("button", name=re.compile(PROVIDER_NAME)).click()
    page.get_by_placeholder("Enter any login").fill(login)
    page.get_by_placeholder("and password").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def test_reader_signs_in_with_the_provider_and_comments_under_their_name(
    page: Page, context: BrowserContext, site_url, post, added, provider, axe_check
):
    page.goto(site_url + post.get_absolute_url())
    assert context.cookies() == []
    sign_in_through_provider(page, site_url, post, login="ada")
    expect(page).to_have_url(site_url + post.get_absolute_url())

    form = page.get_by_role("form", name=re.compile("Leave a Reply"))
    form.get_by_role("textbox", name="Comment", exact=True).fill("Is there a ferry at night?")
    form.get_by_role("button", name="Post Comment").click()
    mine = page.get_by_role("region", name=re.compile("thought")).get_by_role("article", name="Ada Reader")
    expect(mine).to_contain_text("Is there a ferry at night?")
    axe_check(page)

    reader = Reader.objects.get()
    assert reader.display_name == "Ada Reader"
    account = SocialAccount.objects.get(user=reader.user)
    assert account.uid == f"{provider.issuer}|ada"
    assert set(account.extra_data) == {"issuer", "display_name", "profile_url"}


def test_signing_in_twice_is_one_reader(page: Page, context: BrowserContext, site_url, post, added, provider):
    sign_in_through_provider(page, site_url, post, login="bea")
    expect(page).to_have_url(site_url + post.get_absolute_url())
    context.clear_cookies()  # signed out here and at the provider
    sign_in_through_provider(page, site_url, post, login="bea")
    expect(page).to_have_url(site_url + post.get_absolute_url())
    assert Reader.objects.count() == 1
    assert SocialAccount.objects.get().uid == f"{provider.issuer}|bea"


def test_a_wrong_pkce_verifier_signs_nobody_in(page: Page, context: BrowserContext, site_url, post, added):
    page.goto(f"{site_url}/accounts/login/?next={quote(post.get_absolute_url())}")
    page.get_by_role("button", name=re.compile(PROVIDER_NAME)).click()
    expect(page.get_by_placeholder("Enter any login")).to_be_visible()
    # The verifier the blog will send with the code is not the one that made the challenge the provider holds.
    key = next(c["value"] for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    for state, _when, _provider in session["socialaccount_states"].values():
        state["pkce_code_verifier"] = "a-verifier-that-did-not-make-the-challenge-0123456789"
    session.save()
    page.get_by_placeholder("Enter any login").fill("cai")
    page.get_by_placeholder("and password").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(
        re.compile(rf"^{re.escape(site_url)}/accounts/oidc/{PROVIDER_ID}/login/callback/")
    )
    expect(page.get_by_role("heading", name="You are not signed in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(f"{PROVIDER_NAME}'s answer did not check out")
    assert not SocialAccount.objects.exists() and not Reader.objects.exists()
    page.goto(site_url + post.get_absolute_url())
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_be_visible()  # still a guest


def test_every_request_the_server_made_to_the_provider_is_on_the_ledger(
    page: Page, site_url, post, added, provider
):
    provider.seen.clear()
    sign_in_through_provider(page, site_url, post, login="dan")
    expect(page).to_have_url(site_url + post.get_absolute_url())
    # The provider logs each request as it answers it; its last line may still be on its way here.
    wait_for(
        lambda: ("GET", "/me") in provider.asked_by_server(), "the provider's log of the userinfo request"
    )
    asked = sorted(provider.asked_by_server())
    ledger = OutboundRequest.objects.filter(purpose=PURPOSE)
    assert asked == sorted((row.method, urlsplit(row.url).path) for row in ledger)
    assert {path for _, path in asked} >= {"/.well-known/openid-configuration", "/token", "/me"}
    assert all(row.outcome == "answered" for row in ledger)
