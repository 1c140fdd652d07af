"""A reader signs in with their Fediverse account in Chromium: they type @you@instance on the sign-in page,
approve on their instance (a fake Mastodon on 127.0.0.4, over HTTPS), come back to the post signed in, and their
comment carries their name. The browser goes to no origin but the blog's, except the reader's own instance once
they chose to go there."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from sampan.comments.models import Comment, DiscussionSettings
from sampan.readers.fediverse.models import FediverseApp
from tests.factories import make_post, make_user
from tests.readers.mastodon_fake import (  # noqa: F401
    mastodon_ca_fixture,
    mastodon_instance,
    reaching_fakes_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    # The fake instance's certificate comes from the tests' own authority, which Chromium does not know.
    return {**browser_context_args, "ignore_https_errors": True}


@pytest.fixture
def instance(settings, live_server, reaching_fakes, mastodon_ca):
    settings.SITE_URL = live_server.url
    with mastodon_instance(mastodon_ca, "127.0.0.4", account={"display_name": "Hoa Nguyen"}) as fake:
        yield fake


@pytest.fixture
def their_instance_allowed(request_log, instance):
    """The reader's own instance is the one other origin allowed: they chose to go there. Taken out of the log
    before the privacy guard reads it, so any other foreign request still fails the test."""
    yield
    request_log.requests = [(kind, url) for kind, url in request_log.requests if origin(url) != instance.url]


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_a_reader_signs_in_with_their_fediverse_account_and_comments_under_their_name(
    page: Page, site_url, instance, request_log, their_instance_allowed, axe_check
):
    settings_row = DiscussionSettings.load()
    settings_row.min_seconds = 0
    settings_row.save()
    post = make_post("Slow boats", author=make_user("mai"), body="Two days against the current.")

    page.goto(f"{site_url}/accounts/login/?next={post.get_absolute_url()}")
    page.get_by_role("textbox", name="Your Fediverse address").fill(f"@you@{instance.host}")
    assert request_log.foreign() == []  # nothing went anywhere before the reader chose to
    page.get_by_role("button", name="Sign in with your Fediverse account").click()

    expect(page.get_by_role("heading", name=re.compile("^Authorize"))).to_be_visible()
    page.get_by_role("button", name="Authorize").click()

    expect(page).to_have_url(site_url + post.get_absolute_url())
    form = page.get_by_role("form", name=re.compile("Leave a Reply"))
    expect(form).to_contain_text("Hoa Nguyen")
    axe_check(page)
    form.get_by_role("textbox", name="Comment", exact=True).fill("Which river was this?")
    form.get_by_role("button", name="Post Comment").click()

    comment = Comment.objects.get()
    assert comment.author_name == "Hoa Nguyen"
    expect(page.get_by_role("article", name="Hoa Nguyen")).to_contain_text("Which river was this?")
    assert FediverseApp.objects.get().instance == instance.host
    assert not any(instance.tokens.values())  # revoked as soon as the profile was read


def test_a_mistyped_account_shows_what_was_typed_with_a_clear_error(page: Page, site_url, axe_check):
    page.goto(f"{site_url}/accounts/login/")
    page.get_by_role("textbox", name="Your Fediverse address").fill("@you@not a server")
    page.get_by_role("button", name="Sign in with your Fediverse account").click()
    expect(page.get_by_role("alert")).to_contain_text("“not a server” is not a server name")
    expect(page.get_by_role("textbox", name="Your Fediverse address")).to_have_value("@you@not a server")
    axe_check(page)
