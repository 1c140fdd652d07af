"""A reader signs in with their own website in Chromium: they type it on the sign-in page, approve at their own
sign-in server (a fake on 127.0.0.3, their website a fake on 127.0.0.2), come back to the post signed in, and
their comment carries their name. The browser goes to no other origin than the blog's, except the reader's own
server once they chose to go there."""

import ipaddress
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from sampan.comments.models import Comment, DiscussionSettings
from sampan.core import outbound_policy
from sampan.core.outbound import ConnectionFailed
from tests.factories import make_post, make_user
from tests.readers.indieauth_fake import IndieAuthFake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def fake(settings, live_server, monkeypatch):
    settings.SITE_URL = live_server.url
    settings.OUTBOUND_ALLOW_LOOPBACK = True

    def resolve(host: str, port: int):
        if host != "alice.test":
            raise ConnectionFailed(f"could not find the host {host}")
        return [ipaddress.ip_address("127.0.0.2")]

    monkeypatch.setattr(outbound_policy, "resolve_addresses", resolve)
    site = IndieAuthFake()
    yield site
    site.close()


@pytest.fixture
def their_server_allowed(request_log, fake):
    """The reader's own sign-in server is the one other origin allowed: they chose to go there. Removed from the
    log before the privacy guard reads it, so any other foreign request still fails the test."""
    yield
    request_log.requests = [(kind, url) for kind, url in request_log.requests if origin(url) != fake.auth_url]


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_a_reader_signs_in_with_their_website_and_comments_under_their_name(
    page: Page, site_url, fake, request_log, their_server_allowed, axe_check
):
    settings_row = DiscussionSettings.load()
    settings_row.min_seconds = 0
    settings_row.save()
    post = make_post("Slow boats", author=make_user("mai"), body="Two days against the current.")
    me = fake.home_page_with_metadata_link("alice.test")
    fake.profile = {"name": "Alice Example", "url": me}

    page.goto(site_url + post.get_absolute_url())
    page.get_by_role("link", name="Sign in to comment").click()
    page.get_by_role("textbox", name="Your website address").fill(me)
    assert request_log.foreign() == []  # nothing went anywhere before the reader chose to
    page.get_by_role("button", name="Sign in with your website").click()

    expect(page.get_by_role("heading", name=f"Sign in to {site_url}/")).to_be_visible()
    expect(page.get_by_text(f"as {me}")).to_be_visible()
    page.get_by_role("button", name="Approve").click()

    expect(page).to_have_url(re.compile(re.escape(site_url + post.get_absolute_url())))
    form = page.get_by_role("form", name=re.compile("Leave a Reply"))
    expect(form).to_contain_text("Alice Example")
    axe_check(page)
    form.get_by_role("textbox", name="Comment", exact=True).fill("Rowing from the stern, both days?")
    form.get_by_role("button", name="Post Comment").click()

    comment = Comment.objects.get()
    assert comment.author_name == "Alice Example"
    article = page.get_by_role("article", name="Alice Example")
    expect(article).to_contain_text("Rowing from the stern, both days?")
    assert len(fake.consent_pages) == 1


def test_a_mistyped_address_is_shown_back_explained_and_the_corrected_one_goes_through(
    page: Page, site_url, fake, request_log, their_server_allowed, axe_check
):
    me = fake.home_page_with_metadata_header("alice.test")
    page.goto(f"{site_url}/accounts/login/")
    page.get_by_role("textbox", name="Your website address").fill(me + "#me")
    page.get_by_role("button", name="Sign in with your website").click()

    expect(page.get_by_role("alert")).to_contain_text("has no fragment")
    typed = page.get_by_role("textbox", name="Your website")
    expect(typed).to_have_value(me + "#me")
    axe_check(page)
    assert fake.site_visits == [] and request_log.foreign() == []

    typed.fill(me)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
