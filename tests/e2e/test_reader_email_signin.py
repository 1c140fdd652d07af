"""A reader signs in with an emailed code in Chromium, the code read from a real SMTP server: nothing is set or
fetched before they choose to sign in, they come back to the post signed in, and their comment carries their
name. Three wrong codes end a code; a code that was used does not work again."""

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from sampan.comments.models import Comment, DiscussionSettings
from tests.comments.smtp import Inbox, inbox  # noqa: F401 (the fixture)
from tests.factories import make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def post():
    settings = DiscussionSettings.load()
    settings.min_seconds = 0  # Playwright types faster than people do
    settings.save()
    return make_post("Slow boats", body="Two days against the current, rowing from the stern.")


def code_from(inbox: Inbox, address: str, nth: int = -1) -> str:  # noqa: F811
    message = inbox.to(address)[nth]
    assert re.search(r"sign-in code", str(message["Subject"]), re.IGNORECASE)
    found = re.search(r"^\s{4}(\S+)$", Inbox.text(message), re.MULTILINE)
    assert found, Inbox.text(message)
    return found.group(1)


def ask_for_code(page: Page, address: str) -> None:
    page.get_by_role("textbox", name="Your email address").fill(address)
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_role("heading", name="Type the code we sent you")).to_be_visible()


def type_code(page: Page, code: str) -> None:
    page.get_by_role("textbox", name="Code").fill(code)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_a_reader_signs_in_with_an_emailed_code_and_comments_under_their_name(
    page: Page,
    context: BrowserContext,
    site_url,
    post,
    inbox,  # noqa: F811
    axe_check,
):
    page.goto(site_url + post.get_absolute_url())
    assert context.cookies() == [], "reading a post sets no cookie"
    page.get_by_role("link", name="Sign in to comment").click()
    expect(page.get_by_role("heading", name="Sign in to comment")).to_be_visible()
    axe_check(page)

    ask_for_code(page, "linh@example.org")
    axe_check(page)
    type_code(page, code_from(inbox, "linh@example.org"))

    expect(page).to_have_url(re.compile(re.escape(post.get_absolute_url()) + "#respond$"))
    form = page.get_by_role("form", name=re.compile("Leave a Reply"))
    expect(form).to_contain_text("Signed in as linh@example.org")  # their address: only they see this line
    expect(form.get_by_role("textbox", name="Email", exact=True)).to_have_count(0)
    axe_check(page)
    form.get_by_role("textbox", name="Your name, shown with your comments").fill("Linh")
    form.get_by_role("textbox", name="Comment", exact=True).fill("Which river was this?")
    form.get_by_role("button", name="Post Comment").click()

    mine = page.get_by_role("article", name="Linh")
    expect(mine).to_contain_text("Which river was this?")
    expect(mine).to_contain_text("Your comment is awaiting moderation.")  # a first comment, as anyone's
    comment = Comment.objects.get()
    assert (comment.author_name, comment.author_email) == ("Linh", "linh@example.org")
    assert comment.user is not None and not comment.user.is_staff

    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    page.goto(site_url + post.get_absolute_url())
    expect(page.get_by_role("link", name="Sign in to comment")).to_be_visible()


def test_three_wrong_codes_end_the_code(page: Page, site_url, post, inbox):  # noqa: F811
    page.goto(site_url + "/accounts/login/")
    ask_for_code(page, "bo@example.org")
    for _ in range(2):
        type_code(page, "WRONG1")
        expect(page.get_by_text("Incorrect code.")).to_be_visible()
    type_code(page, "WRONG1")
    expect(page.get_by_role("heading", name="Sign in to comment")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Too many failed")

    page.goto(
        site_url + "/accounts/login/code/confirm/"
    )  # the right code comes too late: nothing to type it in
    expect(page.get_by_role("heading", name="Sign in to comment")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in to comment")).to_have_count(0)
    page.goto(site_url + post.get_absolute_url())
    expect(page.get_by_role("link", name="Sign in to comment")).to_be_visible()


def test_a_code_that_was_used_does_not_work_again(page: Page, site_url, post, inbox):  # noqa: F811
    page.goto(site_url + "/accounts/login/")
    ask_for_code(page, "cy@example.org")
    used = code_from(inbox, "cy@example.org")
    type_code(page, used)
    expect(page).to_have_url(site_url + "/")

    page.goto(site_url + "/accounts/logout/")
    page.get_by_role("button", name="Sign out").click()
    page.goto(site_url + "/accounts/login/")
    ask_for_code(page, "cy@example.org")
    type_code(page, used)
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    page.goto(site_url + post.get_absolute_url())
    expect(page.get_by_role("link", name="Sign in to comment")).to_be_visible()
