"""An author writes a post in the admin, watches the preview, schedules it, publishes it, and finds it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def author(monkeypatch):
    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls are still
    # plain synchronous code, run before and after the browser steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return make_user("ana", role="Author", password="a-long-river-walk")


def test_author_writes_previews_schedules_and_publishes_a_post(live_server, page: Page, author):
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("a-long-river-walk")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Posts").click()
    page.get_by_role("link", name="Add post").click()
    page.get_by_label("Title").fill("Downstream at dawn")
    page.get_by_label(re.compile(r"^Body:?$")).fill("We set off *early*, and it was **bold** of us.")

    preview = page.get_by_role("region", name="Preview")
    expect(preview.get_by_text("bold", exact=True)).to_have_js_property("tagName", "STRONG")
    expect(preview.get_by_text("early", exact=True)).to_have_js_property("tagName", "EM")
    page.get_by_label("Body format").select_option(label="HTML")
    expect(preview).to_contain_text("**bold**")  # as HTML, the asterisks are just asterisks
    page.get_by_label("Body format").select_option(label="Markdown")
    expect(preview.get_by_text("bold", exact=True)).to_have_js_property("tagName", "STRONG")

    page.get_by_label("Status").select_option(label="Scheduled")
    next_month = timezone.localtime() + timedelta(days=30)
    page.get_by_label("Publish date").fill(next_month.strftime("%Y-%m-%d"))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("“Downstream at dawn” is scheduled for")).to_be_visible()

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("main").get_by_role("link", name="Downstream at dawn")).to_have_count(0)

    page.goto(f"{live_server.url}/admin/blog/post/")
    page.get_by_role("checkbox", name="Select this object for an action - Downstream at dawn").check()
    page.get_by_role("combobox", name=re.compile(r"^Action")).select_option(label="Publish selected now")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("Published 1 post.")).to_be_visible()

    page.goto(f"{live_server.url}/")
    page.get_by_role("main").get_by_role("link", name="Downstream at dawn", exact=True).click()
    expect(page.get_by_role("heading", name="Downstream at dawn", level=1)).to_be_visible()
    expect(page.get_by_role("main").get_by_text("bold", exact=True)).to_have_js_property("tagName", "STRONG")
