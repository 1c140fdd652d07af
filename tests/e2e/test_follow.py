"""A reader follows the blog from the sidebar in a real browser, confirms from the mail, and sees the count."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.factories import make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_reader_follows_from_the_sidebar_and_confirms(page: Page, live_server, axe_check):
    make_post("Rowing upstream", body="Two days against the current.")
    page.goto(live_server.url + "/")
    sidebar = page.get_by_role("complementary", name="Sidebar")
    widget = sidebar.get_by_role("region", name="Follow Blog via Email")
    expect(widget).to_be_visible()
    axe_check(page)

    widget.get_by_label("Email Address").fill("reader@example.org")
    widget.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("confirmation link is on its way")
    axe_check(page)

    [confirmation] = [m for m in mail.outbox if m.to == ["reader@example.org"]]
    link = re.search(r"http\S+/follow/confirm/\S+", str(confirmation.body))
    assert link
    page.goto(live_server.url + urlsplit(link.group(0)).path)
    page.get_by_role("button", name="Yes, follow this blog").click()
    expect(page.get_by_role("heading", name=re.compile("You follow"))).to_be_visible()
    axe_check(page)

    page.goto(live_server.url + "/")
    expect(page.get_by_role("region", name="Follow Blog via Email")).to_contain_text("Join 1 other follower")


def test_a_mistyped_address_is_shown_again_with_the_reason(page: Page, live_server, axe_check):
    page.goto(live_server.url + "/follow/")
    page.get_by_role("main").get_by_label("Email Address").fill("reader.example.org")
    # The browser's own check would stop a plain submit; the server must say the same for any client.
    page.evaluate("document.querySelector('form[action=\"/follow/\"]').noValidate = true")
    page.get_by_role("main").get_by_role("button", name="Follow").click()
    expect(page.get_by_role("alert")).to_have_text("That is not an email address.")
    expect(page.get_by_role("main").get_by_label("Email Address")).to_have_value("reader.example.org")
    axe_check(page)
